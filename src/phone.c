/*
 * phone.c - phone numbers and the countries they belong to (phone.h).
 *
 * The table below is the whole module: for each country its ISO 3166
 * alpha-2 code, its E.164 calling code, the national trunk prefix that a
 * number written for local callers starts with ("0" in most of the world,
 * "8" in Russia, "1" in North America, none in Spain; NULL where the
 * leading zero belongs to the number, as in Italy), and the names people
 * write in an address: English first, then the country's own names, then
 * other languages, then a few large trade cities and regions, so that
 * "Tel: 0755-8888 1234 ... Shenzhen" resolves.  Names are lowercase and
 * matched case-insensitively on whole words; a name starting with '=' is
 * an abbreviation matched exactly as written ("UK", "PRC", "KSA").
 */
#include <ctype.h>

#include "util.h"
#include "phone.h"

struct country {
	const char *iso;
	const char *cc;		/* calling code without "+" */
	const char *trunk;	/* national prefix; "" none; NULL keep zero */
	const char *names;	/* '|'-separated */
};

static const struct country countries[] = {
	{ "AD", "376", "",
	    "andorra" },
	{ "AE", "971", "0",
	    "united arab emirates|u.a.e.|=UAE|=U.A.E|emirates|"
	    "emirats arabes unis|émirats arabes unis|"
	    "emiratos árabes unidos|vereinigte arabische emirate|"
	    "emirados árabes unidos|"
	    "объединённые арабские эмираты|"
	    "объединенные арабские эмираты|"
	    "оаэ|阿联酋|阿拉伯联合酋长国|"
	    "アラブ首長国連邦|아랍에미리트|"
	    "الإمارات|الامارات|dubai|dubaï|"
	    "abu dhabi|sharjah|ajman|迪拜|دبي" },
	{ "AF", "93", "0",
	    "afghanistan" },
	{ "AG", "1", "1",
	    "antigua and barbuda|antigua" },
	{ "AI", "1", "1",
	    "anguilla" },
	{ "AL", "355", "0",
	    "albania|shqipëria|shqiperia" },
	{ "AM", "374", "0",
	    "armenia|yerevan" },
	{ "AO", "244", "",
	    "angola|luanda" },
	{ "AR", "54", "0",
	    "argentina|argentine|argentinien|阿根廷|buenos aires" },
	{ "AS", "1", "1",
	    "american samoa" },
	{ "AT", "43", "0",
	    "austria|österreich|oesterreich|autriche|奥地利|"
	    "австрия|vienna|wien" },
	{ "AU", "61", "0",
	    "australia|australie|australien|澳大利亚|澳洲|"
	    "オーストラリア|호주|австралия|sydney|"
	    "melbourne|brisbane|adelaide|new south wales|queensland|"
	    "western australia|victoria, australia|tasmania" },
	{ "AW", "297", "",
	    "aruba" },
	{ "AZ", "994", "0",
	    "azerbaijan|azərbaycan|baku" },
	{ "BA", "387", "0",
	    "bosnia and herzegovina|bosnia|sarajevo" },
	{ "BB", "1", "1",
	    "barbados" },
	{ "BD", "880", "0",
	    "bangladesh|孟加拉|孟加拉国|dhaka|chittagong|"
	    "chattogram" },
	{ "BE", "32", "0",
	    "belgium|belgique|belgië|belgie|belgien|bélgica|belgio|"
	    "比利时|бельгия|brussels|bruxelles|antwerp|"
	    "antwerpen" },
	{ "BF", "226", "",
	    "burkina faso" },
	{ "BG", "359", "0",
	    "bulgaria|българия|bulgarie|bulgarien" },
	{ "BH", "973", "",
	    "bahrain|kingdom of bahrain|البحرين|manama" },
	{ "BI", "257", "",
	    "burundi" },
	{ "BJ", "229", "",
	    "benin|bénin|cotonou" },
	{ "BM", "1", "1",
	    "bermuda" },
	{ "BN", "673", "",
	    "brunei|brunei darussalam" },
	{ "BO", "591", "0",
	    "bolivia|la paz|santa cruz de la sierra" },
	{ "BR", "55", "0",
	    "brazil|brasil|brésil|brasilien|brasile|"
	    "бразилия|巴西|ブラジル|브라질|"
	    "البرازيل|são paulo|sao paulo|rio de janeiro|"
	    "porto alegre|curitiba|belo horizonte" },
	{ "BS", "1", "1",
	    "bahamas|the bahamas|nassau" },
	{ "BT", "975", "",
	    "bhutan" },
	{ "BW", "267", "",
	    "botswana|gaborone" },
	{ "BY", "375", "8",
	    "belarus|беларусь|белоруссия|minsk" },
	{ "BZ", "501", "",
	    "belize" },
	{ "CA", "1", "1",
	    "canada|加拿大|カナダ|캐나다|канада|"
	    "كندا|toronto|vancouver|montreal|montréal|ontario|"
	    "quebec|québec|british columbia|calgary|ottawa" },
	{ "CD", "243", "0",
	    "democratic republic of the congo|"
	    "democratic republic of congo|dr congo|d.r. congo|"
	    "congo drc|congo (drc)|=DRC|=RDC|"
	    "république démocratique du congo|kinshasa|lubumbashi" },
	{ "CF", "236", "",
	    "central african republic|centrafrique" },
	{ "CG", "242", "",
	    "congo|republic of the congo|congo-brazzaville|"
	    "brazzaville" },
	{ "CH", "41", "0",
	    "switzerland|schweiz|suisse|svizzera|suiza|suíça|"
	    "瑞士|スイス|스위스|швейцария|zürich|"
	    "zurich|geneva|genève|geneve|basel|lausanne" },
	{ "CI", "225", "",
	    "côte d'ivoire|cote d'ivoire|côte d’ivoire|"
	    "cote d’ivoire|ivory coast|elfenbeinküste|"
	    "costa de marfil|abidjan" },
	{ "CK", "682", "",
	    "cook islands" },
	{ "CL", "56", "",
	    "chile|chili|智利|чили|santiago de chile" },
	{ "CM", "237", "",
	    "cameroon|cameroun|kamerun|douala|yaoundé|yaounde" },
	{ "CN", "86", "0",
	    "china|p.r. china|p.r.china|pr china|p. r. china|"
	    "people's republic of china|peoples republic of china|"
	    "people’s republic of china|=PRC|=P.R.C.|=P.R.C|"
	    "=P.R.China|chine|république populaire de chine|"
	    "volksrepublik china|república popular china|cina|"
	    "китай|中国|中國|中华人民共和国|"
	    "中華人民共和國|중국|الصين|shenzhen|"
	    "guangzhou|shanghai|beijing|yiwu|ningbo|xiamen|hangzhou|"
	    "dongguan|foshan|suzhou|qingdao|tianjin|zhongshan|jinhua|"
	    "wenzhou|quanzhou|zhejiang|guangdong|jiangsu|fujian|"
	    "shandong|深圳|广州|廣州|上海|北京|义乌|"
	    "義烏|宁波|寧波|厦门|廈門|杭州|东莞|東莞|"
	    "佛山|苏州|蘇州|青岛|青島|天津|浙江|广东|"
	    "廣東|江苏|江蘇|福建|山东|山東" },
	{ "CO", "57", "",
	    "colombia|colombie|kolumbien|колумбия|"
	    "哥伦比亚|bogotá|bogota|medellín|medellin|cali|"
	    "barranquilla" },
	{ "CR", "506", "",
	    "costa rica|san josé, costa rica" },
	{ "CU", "53", "0",
	    "cuba|havana|la habana" },
	{ "CV", "238", "",
	    "cape verde|cabo verde" },
	{ "CW", "599", "",
	    "curaçao|curacao" },
	{ "CY", "357", "",
	    "cyprus|chypre|zypern|chipre|κύπρος|кипр|"
	    "nicosia|limassol" },
	{ "CZ", "420", "",
	    "czech republic|czechia|česká republika|česko|"
	    "tschechien|république tchèque|república checa|"
	    "чехия|捷克|prague|praha|brno" },
	{ "DE", "49", "0",
	    "germany|deutschland|allemagne|alemania|alemanha|"
	    "germania|германия|德国|德國|ドイツ|"
	    "독일|ألمانيا|=BRD|berlin|hamburg|munich|"
	    "münchen|muenchen|frankfurt|frankfurt am main|"
	    "düsseldorf|duesseldorf|köln|koeln|cologne|stuttgart|"
	    "bremen|hannover|nürnberg|nuremberg" },
	{ "DJ", "253", "",
	    "djibouti" },
	{ "DK", "45", "",
	    "denmark|danmark|dänemark|daenemark|danemark|dinamarca|"
	    "danimarca|дания|丹麦|丹麥|copenhagen|"
	    "københavn|aarhus" },
	{ "DM", "1", "1",
	    "dominica" },
	{ "DO", "1", "1",
	    "dominican republic|república dominicana|"
	    "republica dominicana|république dominicaine|"
	    "santo domingo" },
	{ "DZ", "213", "0",
	    "algeria|algérie|algerie|argelia|algerien|алжир|"
	    "阿尔及利亚|الجزائر|algiers|alger" },
	{ "EC", "593", "0",
	    "ecuador|équateur|equateur|厄瓜多尔|guayaquil|quito" },
	{ "EE", "372", "",
	    "estonia|eesti|estland|tallinn" },
	{ "EG", "20", "0",
	    "egypt|égypte|egypte|ägypten|egipto|egitto|"
	    "египет|埃及|エジプト|이집트|مصر|cairo|"
	    "le caire|el cairo|kairo|القاهرة|alexandria|giza" },
	{ "EH", "212", "0",
	    "western sahara" },
	{ "ER", "291", "0",
	    "eritrea|asmara" },
	{ "ES", "34", "",
	    "spain|españa|espana|espagne|spanien|spagna|espanha|"
	    "испания|西班牙|スペイン|스페인|"
	    "إسبانيا|madrid|barcelona|valencia|sevilla|"
	    "seville|bilbao|zaragoza|málaga|malaga|alicante" },
	{ "ET", "251", "0",
	    "ethiopia|éthiopie|äthiopien|etiopía|эфиопия|"
	    "埃塞俄比亚|addis ababa|addis abeba" },
	{ "FI", "358", "0",
	    "finland|suomi|finnland|finlande|finlandia|"
	    "финляндия|芬兰|helsinki|espoo|tampere" },
	{ "FJ", "679", "",
	    "fiji|suva" },
	{ "FK", "500", "",
	    "falkland islands" },
	{ "FM", "691", "",
	    "micronesia|federated states of micronesia" },
	{ "FO", "298", "",
	    "faroe islands|føroyar" },
	{ "FR", "33", "0",
	    "france|frankreich|francia|frança|франция|法国|"
	    "法國|フランス|프랑스|فرنسا|paris|lyon|"
	    "marseille|toulouse|bordeaux|lille|nantes|strasbourg|"
	    "nice, france" },
	{ "GA", "241", "",
	    "gabon|libreville" },
	{ "GB", "44", "0",
	    "united kingdom|=UK|=U.K.|=U.K|great britain|britain|"
	    "england|scotland|wales|northern ireland|royaume-uni|"
	    "vereinigtes königreich|reino unido|regno unito|"
	    "великобритания|英国|英國|イギリス|"
	    "영국|المملكة المتحدة|london|manchester|"
	    "birmingham|leeds|glasgow|liverpool|edinburgh|bristol|"
	    "sheffield|nottingham|leicester|leicestershire|yorkshire|"
	    "lancashire" },
	{ "GD", "1", "1",
	    "grenada" },
	{ "GE", "995", "0",
	    "sakartvelo|tbilisi|batumi" },
	{ "GF", "594", "0",
	    "french guiana|guyane|guyane française" },
	{ "GH", "233", "0",
	    "ghana|accra|kumasi" },
	{ "GI", "350", "",
	    "gibraltar" },
	{ "GL", "299", "",
	    "greenland|kalaallit nunaat" },
	{ "GM", "220", "",
	    "gambia|the gambia|banjul" },
	{ "GN", "224", "",
	    "guinea|guinée|guinee|conakry" },
	{ "GP", "590", "0",
	    "guadeloupe|pointe-à-pitre|pointe-a-pitre|basse-terre" },
	{ "GQ", "240", "",
	    "equatorial guinea|guinea ecuatorial|malabo" },
	{ "GR", "30", "",
	    "greece|hellas|ελλάδα|ελλάς|grèce|grece|"
	    "griechenland|grecia|grécia|греция|希腊|athens|"
	    "athènes|αθήνα|thessaloniki|piraeus" },
	{ "GT", "502", "",
	    "guatemala" },
	{ "GU", "1", "1",
	    "guam" },
	{ "GW", "245", "",
	    "guinea-bissau|guinea bissau" },
	{ "GY", "592", "",
	    "guyana|georgetown, guyana" },
	{ "HK", "852", "",
	    "hong kong|hongkong|hong kong sar|=HK|=HKSAR|=H.K.|"
	    "香港|中国香港|中國香港|香港特别行政区|"
	    "香港特別行政區|홍콩|гонконг|kowloon|"
	    "九龍|九龙|tsim sha tsui|wan chai|kwun tong|mong kok" },
	{ "HN", "504", "",
	    "honduras|tegucigalpa|san pedro sula" },
	{ "HR", "385", "0",
	    "croatia|hrvatska|kroatien|croatie|croacia|"
	    "хорватия|zagreb|split, croatia" },
	{ "HT", "509", "",
	    "haiti|haïti|port-au-prince" },
	{ "HU", "36", "06",
	    "hungary|magyarország|magyarorszag|ungarn|hongrie|"
	    "hungría|венгрия|匈牙利|budapest" },
	{ "ID", "62", "0",
	    "indonesia|indonésie|indonesien|индонезия|"
	    "印度尼西亚|印尼|インドネシア|"
	    "인도네시아|jakarta|surabaya|bandung|semarang|medan|"
	    "bali" },
	{ "IE", "353", "0",
	    "ireland|republic of ireland|éire|eire|irlande|irland|"
	    "irlanda|ирландия|爱尔兰|dublin" },
	{ "IL", "972", "0",
	    "israel|ישראל|israël|израиль|以色列|"
	    "tel aviv|tel-aviv|jerusalem|haifa" },
	{ "IM", "44", "0",
	    "isle of man" },
	{ "IN", "91", "0",
	    "india|inde|indien|indie|индия|印度|インド|"
	    "인도|الهند|bharat|mumbai|bombay|new delhi|delhi|"
	    "bangalore|bengaluru|chennai|kolkata|calcutta|hyderabad|"
	    "ahmedabad|pune|surat|jaipur|ludhiana|kochi|cochin|"
	    "gujarat|maharashtra|tamil nadu|karnataka|kerala|punjab|"
	    "haryana|uttar pradesh|west bengal|telangana|rajasthan" },
	{ "IQ", "964", "0",
	    "iraq|irak|ирак|伊拉克|العراق|baghdad|"
	    "bagdad|erbil|basra" },
	{ "IR", "98", "0",
	    "iran|islamic republic of iran|ایران|иран|"
	    "伊朗|tehran|teheran|téhéran|mashhad|isfahan" },
	{ "IS", "354", "",
	    "iceland|ísland|islande|reykjavik|reykjavík" },
	{ "IT", "39", NULL,
	    "italy|italia|italie|italien|италия|意大利|"
	    "義大利|イタリア|이탈리아|إيطاليا|"
	    "milano|roma|rome|torino|turin|napoli|naples|firenze|"
	    "bologna|venezia|venice|genova|verona" },
	{ "JE", "44", "0",
	    "jersey, channel islands" },
	{ "JM", "1", "1",
	    "jamaica|kingston, jamaica" },
	{ "JO", "962", "0",
	    "jordan|hashemite kingdom of jordan|jordanie|jordanien|"
	    "jordania|иордания|约旦|الأردن|"
	    "الاردن|amman" },
	{ "JP", "81", "0",
	    "japan|nippon|日本|japon|japón|japão|giappone|"
	    "япония|일본|اليابان|tokyo|osaka|nagoya|"
	    "yokohama|kobe|kyoto|fukuoka|sapporo|東京|大阪|"
	    "名古屋|横浜|東京都|大阪府" },
	{ "KE", "254", "0",
	    "kenya|kenia|кения|肯尼亚|nairobi|mombasa" },
	{ "KG", "996", "0",
	    "kyrgyzstan|kyrgyz republic|bishkek" },
	{ "KH", "855", "0",
	    "cambodia|cambodge|kambodscha|camboya|камбоджа|"
	    "柬埔寨|phnom penh" },
	{ "KI", "686", "",
	    "kiribati" },
	{ "KM", "269", "",
	    "comoros|comores" },
	{ "KN", "1", "1",
	    "saint kitts and nevis|st kitts and nevis|st. kitts" },
	{ "KP", "850", "0",
	    "north korea|=DPRK|democratic people's republic of korea|"
	    "朝鲜|조선" },
	{ "KR", "82", "0",
	    "south korea|korea|republic of korea|korea, republic of|"
	    "korea (south)|=ROK|corée du sud|coree du sud|corée|"
	    "südkorea|corea del sur|coreia do sul|корея|"
	    "южная корея|韩国|韓國|大韩民国|"
	    "大韓民國|한국|대한민국|韓国|كوريا|"
	    "seoul|busan|incheon|daegu|서울|부산|인천" },
	{ "KW", "965", "",
	    "kuwait|state of kuwait|koweït|koweit|кувейт|"
	    "科威特|الكويت|kuwait city" },
	{ "KY", "1", "1",
	    "cayman islands|grand cayman" },
	{ "KZ", "7", "8",
	    "kazakhstan|kazakstan|qazaqstan|казахстан|"
	    "哈萨克斯坦|almaty|astana|nur-sultan|shymkent" },
	{ "LA", "856", "0",
	    "laos|lao pdr|vientiane" },
	{ "LB", "961", "0",
	    "lebanon|liban|libanon|líbano|ливан|黎巴嫩|"
	    "لبنان|beirut|beyrouth|بيروت" },
	{ "LC", "1", "1",
	    "saint lucia|st. lucia|st lucia" },
	{ "LI", "423", "",
	    "liechtenstein|vaduz" },
	{ "LK", "94", "0",
	    "sri lanka|colombo|斯里兰卡" },
	{ "LR", "231", "0",
	    "liberia|monrovia" },
	{ "LS", "266", "",
	    "lesotho|maseru" },
	{ "LT", "370", "8",
	    "lithuania|lietuva|litauen|lituanie|литва|vilnius|"
	    "kaunas|klaipeda|klaipėda" },
	{ "LU", "352", "",
	    "luxembourg|luxemburg|lëtzebuerg" },
	{ "LV", "371", "",
	    "latvia|latvija|lettland|lettonie|латвия|riga|"
	    "rīga" },
	{ "LY", "218", "0",
	    "libya|libye|libyen|libia|ливия|利比亚|"
	    "ليبيا|tripoli|benghazi" },
	{ "MA", "212", "0",
	    "morocco|maroc|marruecos|marokko|marocco|марокко|"
	    "摩洛哥|モロッコ|المغرب|casablanca|rabat|"
	    "tanger|tangier|marrakech|marrakesh|fès|fes|agadir" },
	{ "MC", "377", "",
	    "monaco" },
	{ "MD", "373", "0",
	    "moldova|republic of moldova|молдова|chișinău|"
	    "chisinau" },
	{ "ME", "382", "0",
	    "montenegro|crna gora|podgorica" },
	{ "MG", "261", "0",
	    "madagascar|antananarivo" },
	{ "MH", "692", "",
	    "marshall islands" },
	{ "MK", "389", "0",
	    "north macedonia|macedonia|"
	    "северна македонија|skopje" },
	{ "ML", "223", "",
	    "mali|bamako" },
	{ "MM", "95", "0",
	    "myanmar|burma|缅甸|yangon|rangoon|mandalay" },
	{ "MN", "976", "0",
	    "mongolia|монгол|монголия|蒙古|"
	    "ulaanbaatar|ulan bator" },
	{ "MO", "853", "",
	    "macau|macao|澳门|澳門|中国澳门|中國澳門" },
	{ "MP", "1", "1",
	    "northern mariana islands|saipan" },
	{ "MQ", "596", "0",
	    "martinique|fort-de-france" },
	{ "MR", "222", "",
	    "mauritania|mauritanie|nouakchott" },
	{ "MS", "1", "1",
	    "montserrat" },
	{ "MT", "356", "",
	    "malta|malte|valletta" },
	{ "MU", "230", "",
	    "mauritius|maurice|île maurice|port louis" },
	{ "MV", "960", "",
	    "maldives|maldivas|malé" },
	{ "MW", "265", "0",
	    "malawi|lilongwe|blantyre" },
	{ "MX", "52", "",
	    "mexico|méxico|mexique|mexiko|messico|мексика|"
	    "墨西哥|メキシコ|멕시코|المكسيك|"
	    "ciudad de méxico|cdmx|guadalajara|monterrey|puebla|"
	    "tijuana|jalisco|nuevo león|nuevo leon" },
	{ "MY", "60", "0",
	    "malaysia|malaisie|malasia|malaysien|малайзия|"
	    "马来西亚|馬來西亞|マレーシア|"
	    "말레이시아|kuala lumpur|penang|pulau pinang|"
	    "johor bahru|johor|selangor|petaling jaya|shah alam|"
	    "klang" },
	{ "MZ", "258", "",
	    "mozambique|moçambique|mosambik|maputo" },
	{ "NA", "264", "0",
	    "namibia|windhoek" },
	{ "NC", "687", "",
	    "new caledonia|nouvelle-calédonie|nouméa" },
	{ "NE", "227", "",
	    "niger|niamey" },
	{ "NF", "672", "",
	    "norfolk island" },
	{ "NG", "234", "0",
	    "nigeria|nigéria|尼日利亚|нигерия|lagos|"
	    "abuja|kano|ibadan|port harcourt|onitsha" },
	{ "NI", "505", "",
	    "nicaragua|managua" },
	{ "NL", "31", "0",
	    "netherlands|the netherlands|nederland|holland|pays-bas|"
	    "países bajos|paises bajos|niederlande|paesi bassi|"
	    "holanda|нидерланды|荷兰|荷蘭|オランダ|"
	    "네덜란드|هولندا|amsterdam|rotterdam|the hague|"
	    "den haag|utrecht|eindhoven" },
	{ "NO", "47", "",
	    "norway|norge|norvège|norvege|norwegen|noruega|norvegia|"
	    "норвегия|挪威|oslo|stavanger" },
	{ "NP", "977", "0",
	    "nepal|kathmandu" },
	{ "NR", "674", "",
	    "nauru" },
	{ "NU", "683", "",
	    "niue" },
	{ "NZ", "64", "0",
	    "new zealand|aotearoa|nouvelle-zélande|neuseeland|"
	    "nueva zelanda|новая зеландия|新西兰|"
	    "紐西蘭|auckland|wellington|christchurch" },
	{ "OM", "968", "",
	    "oman|sultanate of oman|sultanat d'oman|оман|阿曼|"
	    "عُمان|muscat|salalah|sohar" },
	{ "PA", "507", "",
	    "panama|panamá|panama city" },
	{ "PE", "51", "0",
	    "peru|perú|pérou|perou|перу|秘鲁|lima, peru|"
	    "lima - peru|lima, perú" },
	{ "PF", "689", "",
	    "french polynesia|polynésie française|tahiti|papeete" },
	{ "PG", "675", "",
	    "papua new guinea|port moresby" },
	{ "PH", "63", "0",
	    "philippines|the philippines|pilipinas|filipinas|"
	    "philippinen|филиппины|菲律宾|菲律賓|"
	    "フィリピン|필리핀|manila|metro manila|cebu|"
	    "quezon city|makati|pasig|davao" },
	{ "PK", "92", "0",
	    "pakistan|巴基斯坦|пакистан|باكستان|"
	    "پاکستان|karachi|lahore|islamabad|faisalabad|"
	    "sialkot|rawalpindi|multan|peshawar" },
	{ "PL", "48", "",
	    "poland|polska|pologne|polen|polonia|polónia|"
	    "польша|波兰|ポーランド|폴란드|warsaw|"
	    "warszawa|kraków|krakow|łódź|lodz|wrocław|wroclaw|"
	    "poznań|poznan|gdańsk|gdansk|katowice|kielce" },
	{ "PM", "508", "",
	    "saint pierre and miquelon" },
	{ "PR", "1", "1",
	    "puerto rico|san juan, pr" },
	{ "PS", "970", "0",
	    "palestine|state of palestine|فلسطين|gaza|ramallah" },
	{ "PT", "351", "",
	    "portugal|葡萄牙|португалия|lisbon|lisboa|"
	    "porto, portugal|braga" },
	{ "PW", "680", "",
	    "palau" },
	{ "PY", "595", "0",
	    "paraguay|asunción|asuncion|ciudad del este" },
	{ "QA", "974", "",
	    "qatar|state of qatar|katar|катар|卡塔尔|قطر|"
	    "doha|الدوحة" },
	{ "RE", "262", "0",
	    "réunion|reunion|la réunion|saint-denis, réunion" },
	{ "RO", "40", "0",
	    "romania|românia|roumanie|rumänien|rumania|"
	    "румыния|罗马尼亚|bucharest|bucurești|"
	    "bucuresti|cluj-napoca|timișoara|timisoara|constanța|"
	    "constanta" },
	{ "RS", "381", "0",
	    "serbia|srbija|србија|serbie|serbien|сербия|"
	    "belgrade|beograd|novi sad" },
	{ "RU", "7", "8",
	    "russia|russian federation|россия|"
	    "российская федерация|=РФ|russie|"
	    "russland|rusia|rússia|russia federation|俄罗斯|"
	    "俄羅斯|ロシア|러시아|روسيا|moscow|moskva|"
	    "москва|saint petersburg|st. petersburg|"
	    "st petersburg|санкт-петербург|novosibirsk|"
	    "новосибирск|yekaterinburg|"
	    "екатеринбург|kazan|казань|vladivostok|"
	    "владивосток" },
	{ "RW", "250", "",
	    "rwanda|kigali" },
	{ "SA", "966", "0",
	    "saudi arabia|kingdom of saudi arabia|=KSA|=K.S.A|"
	    "=K.S.A.|arabie saoudite|arabia saudita|arábia saudita|"
	    "saudi-arabien|saudi arabien|"
	    "саудовская аравия|沙特|"
	    "沙特阿拉伯|サウジアラビア|"
	    "사우디아라비아|"
	    "المملكة العربية السعودية|"
	    "السعودية|riyadh|riyad|jeddah|jiddah|dammam|"
	    "al khobar|khobar|makkah|الرياض|جدة|"
	    "الدمام" },
	{ "SB", "677", "",
	    "solomon islands" },
	{ "SC", "248", "",
	    "seychelles|victoria, mahé" },
	{ "SD", "249", "0",
	    "sudan|soudan|السودان|khartoum" },
	{ "SE", "46", "0",
	    "sweden|sverige|suède|suede|schweden|suecia|svezia|"
	    "швеция|瑞典|スウェーデン|stockholm|"
	    "göteborg|goteborg|gothenburg|malmö|malmo|uppsala" },
	{ "SG", "65", "",
	    "singapore|republic of singapore|singapour|singapur|"
	    "cingapura|сингапур|新加坡|シンガポール|"
	    "싱가포르|سنغافورة" },
	{ "SH", "290", "",
	    "saint helena" },
	{ "SI", "386", "0",
	    "slovenia|slovenija|slowenien|slovénie|ljubljana" },
	{ "SK", "421", "0",
	    "slovakia|slovensko|slowakei|slovaquie|bratislava|"
	    "košice|kosice" },
	{ "SL", "232", "0",
	    "sierra leone|freetown" },
	{ "SM", "378", NULL,
	    "san marino" },
	{ "SN", "221", "",
	    "senegal|sénégal|dakar" },
	{ "SO", "252", "0",
	    "somalia|somalie|mogadishu|hargeisa" },
	{ "SR", "597", "",
	    "suriname|paramaribo" },
	{ "SS", "211", "0",
	    "south sudan|juba" },
	{ "ST", "239", "",
	    "são tomé and príncipe|sao tome and principe" },
	{ "SV", "503", "",
	    "el salvador|san salvador" },
	{ "SX", "1", "1",
	    "sint maarten" },
	{ "SY", "963", "0",
	    "syria|syrian arab republic|syrie|syrien|siria|"
	    "сирия|叙利亚|سوريا|damascus|aleppo|homs" },
	{ "SZ", "268", "",
	    "eswatini|swaziland|mbabane" },
	{ "TC", "1", "1",
	    "turks and caicos islands|turks and caicos" },
	{ "TD", "235", "",
	    "tchad|n'djamena|ndjamena" },
	{ "TG", "228", "",
	    "togo|lomé|lome" },
	{ "TH", "66", "0",
	    "thailand|kingdom of thailand|thaïlande|thailande|"
	    "tailandia|thailandia|таиланд|泰国|泰國|"
	    "태국|ประเทศไทย|bangkok|"
	    "กรุงเทพ|"
	    "กรุงเทพมหานคร|chiang mai|"
	    "pattaya|phuket|samut prakan|nonthaburi" },
	{ "TJ", "992", "8",
	    "tajikistan|dushanbe" },
	{ "TK", "690", "",
	    "tokelau" },
	{ "TL", "670", "",
	    "timor-leste|east timor|dili" },
	{ "TM", "993", "8",
	    "turkmenistan|ashgabat" },
	{ "TN", "216", "",
	    "tunisia|tunisie|túnez|tunesien|тунис|突尼斯|"
	    "تونس|sfax|sousse" },
	{ "TO", "676", "",
	    "tonga|nuku'alofa" },
	{ "TR", "90", "0",
	    "turkey|türkiye|turkiye|turquie|türkei|tuerkei|"
	    "turquía|turquia|turchia|турция|土耳其|"
	    "トルコ|터키|튀르키예|تركيا|istanbul|"
	    "i̇stanbul|ankara|izmir|i̇zmir|bursa|antalya|gaziantep|"
	    "konya|kayseri|denizli|mersin" },
	{ "TT", "1", "1",
	    "trinidad and tobago|trinidad & tobago|trinidad|"
	    "port of spain" },
	{ "TV", "688", "",
	    "tuvalu" },
	{ "TW", "886", "0",
	    "taiwan|taiwan, r.o.c.|taiwan r.o.c.|taiwan (r.o.c.)|"
	    "=R.O.C.|=ROC|台湾|臺灣|台灣|中国台湾|"
	    "中國台灣|taïwan|тайвань|대만|タイワン|"
	    "taipei|new taipei|new taipei city|taichung|kaohsiung|"
	    "tainan|taoyuan|hsinchu|台北|臺北|新北|台中|"
	    "臺中|高雄|台南|臺南|桃園|桃园|新竹" },
	{ "TZ", "255", "0",
	    "tanzania|united republic of tanzania|tanzanie|tansania|"
	    "танзания|坦桑尼亚|dar es salaam|"
	    "dar-es-salaam|dodoma|zanzibar|arusha|mwanza" },
	{ "UA", "380", "0",
	    "ukraine|україна|украина|ucrania|ucraina|"
	    "乌克兰|kyiv|kiev|київ|киев|odessa|odesa|"
	    "одеса|одесса|kharkiv|kharkov|харків|"
	    "dnipro|lviv|львів" },
	{ "UG", "256", "0",
	    "uganda|ouganda|уганда|乌干达|kampala|entebbe" },
	{ "US", "1", "1",
	    "united states|united states of america|=USA|=U.S.A.|"
	    "=U.S.A|=U.S.|états-unis|etats-unis|estados unidos|"
	    "estados unidos de américa|vereinigte staaten|"
	    "stati uniti|сша|соединённые штаты|"
	    "соединенные штаты|"
	    "соединенные штаты америки|美国|"
	    "美國|アメリカ|アメリカ合衆国|미국|"
	    "الولايات المتحدة|new york|new york city|"
	    "los angeles|chicago|houston|miami|san francisco|"
	    "las vegas|seattle|dallas|atlanta|boston|philadelphia|"
	    "phoenix|san diego|denver|orlando|new jersey|california|"
	    "texas|florida|illinois|ohio|michigan|pennsylvania|"
	    "massachusetts|north carolina|south carolina|arizona|"
	    "nevada|colorado|oregon|tennessee|minnesota|wisconsin|"
	    "missouri|maryland|connecticut|indiana|kentucky|"
	    "louisiana|alabama|oklahoma|utah|iowa|kansas|arkansas|"
	    "mississippi|nebraska|idaho|hawaii|alaska|delaware|"
	    "vermont|wyoming|west virginia|new mexico|new hampshire|"
	    "rhode island|north dakota|south dakota|洛杉矶|纽约|"
	    "紐約|芝加哥|休斯顿|new england" },
	{ "UY", "598", "0",
	    "uruguay|montevideo" },
	{ "UZ", "998", "8",
	    "uzbekistan|oʻzbekiston|o'zbekiston|"
	    "узбекистан|乌兹别克斯坦|tashkent|"
	    "samarkand" },
	{ "VA", "379", NULL,
	    "vatican|vatican city|holy see" },
	{ "VC", "1", "1",
	    "saint vincent and the grenadines|st. vincent" },
	{ "VE", "58", "0",
	    "venezuela|venezuela, bolivarian republic of|"
	    "委内瑞拉|caracas|maracaibo" },
	{ "VG", "1", "1",
	    "british virgin islands|tortola" },
	{ "VI", "1", "1",
	    "u.s. virgin islands|us virgin islands" },
	{ "VN", "84", "0",
	    "vietnam|viet nam|việt nam|viêt nam|viêt-nam|越南|"
	    "ベトナム|베트남|вьетнам|فيتنام|"
	    "ho chi minh city|ho chi minh|=HCMC|saigon|sài gòn|"
	    "hanoi|ha noi|hà nội|hồ chí minh|"
	    "tp. hồ chí minh|tp.hcm|da nang|đà nẵng|haiphong|"
	    "hai phong|hải phòng|binh duong|bình dương|"
	    "dong nai|đồng nai|bac ninh|bắc ninh" },
	{ "VU", "678", "",
	    "vanuatu|port vila" },
	{ "WF", "681", "",
	    "wallis and futuna" },
	{ "WS", "685", "",
	    "samoa|apia" },
	{ "XK", "383", "0",
	    "kosovo|pristina|prishtina" },
	{ "YE", "967", "0",
	    "yemen|yémen|jemen|йемен|也门|اليمن|sana'a" },
	{ "YT", "262", "0",
	    "mayotte" },
	{ "ZA", "27", "0",
	    "south africa|republic of south africa|=RSA|"
	    "afrique du sud|südafrika|suedafrika|sudáfrica|"
	    "sudafrica|áfrica do sul|юар|южная африка|"
	    "南非|johannesburg|cape town|durban|pretoria|"
	    "port elizabeth|gqeberha|sandton|gauteng|kwazulu-natal" },
	{ "ZM", "260", "0",
	    "zambia|zambie|lusaka|ndola|kitwe" },
	{ "ZW", "263", "0",
	    "zimbabwe|harare|bulawayo" },
};

/* Shared calling codes: the country a bare code means. */
static const struct {
	const char *cc;
	const char *iso;
} primary[] = {
	{ "1", "US" }, { "7", "RU" }, { "44", "GB" }, { "262", "RE" },
	{ "212", "MA" }, { "39", "IT" }, { "590", "GP" }, { "61", "AU" },
	{ "599", "CW" }, { "358", "FI" },
};

/* North American area codes outside the United States. */
static const struct {
	const char *area;
	const char *iso;
} nanp[] = {
	{ "204", "CA" }, { "226", "CA" }, { "236", "CA" }, { "249", "CA" },
	{ "250", "CA" }, { "257", "CA" }, { "263", "CA" }, { "289", "CA" },
	{ "306", "CA" }, { "343", "CA" }, { "354", "CA" }, { "365", "CA" },
	{ "367", "CA" }, { "368", "CA" }, { "382", "CA" }, { "387", "CA" },
	{ "403", "CA" }, { "416", "CA" }, { "418", "CA" }, { "428", "CA" },
	{ "431", "CA" }, { "437", "CA" }, { "438", "CA" }, { "450", "CA" },
	{ "460", "CA" }, { "468", "CA" }, { "474", "CA" }, { "506", "CA" },
	{ "514", "CA" }, { "519", "CA" }, { "548", "CA" }, { "579", "CA" },
	{ "581", "CA" }, { "584", "CA" }, { "587", "CA" }, { "604", "CA" },
	{ "613", "CA" }, { "639", "CA" }, { "647", "CA" }, { "672", "CA" },
	{ "683", "CA" }, { "705", "CA" }, { "709", "CA" }, { "742", "CA" },
	{ "753", "CA" }, { "778", "CA" }, { "780", "CA" }, { "782", "CA" },
	{ "807", "CA" }, { "819", "CA" }, { "825", "CA" }, { "867", "CA" },
	{ "873", "CA" }, { "879", "CA" }, { "902", "CA" }, { "905", "CA" },
	{ "942", "CA" },
	{ "242", "BS" }, { "246", "BB" }, { "264", "AI" }, { "268", "AG" },
	{ "284", "VG" }, { "340", "VI" }, { "345", "KY" }, { "441", "BM" },
	{ "473", "GD" }, { "649", "TC" }, { "658", "JM" }, { "664", "MS" },
	{ "670", "MP" }, { "671", "GU" }, { "684", "AS" }, { "721", "SX" },
	{ "758", "LC" }, { "767", "DM" }, { "784", "VC" }, { "787", "PR" },
	{ "809", "DO" }, { "829", "DO" }, { "849", "DO" }, { "868", "TT" },
	{ "869", "KN" }, { "876", "JM" }, { "939", "PR" },
};

/* ccTLDs used as generic names: they say nothing about the country. */
static const char *const generic_tlds[] = {
	"io", "co", "me", "tv", "cc", "ws", "fm", "ai", "ly", "gg", "to",
	"nu", "tk", "ml", "ga", "cf", "gq", "la", "am", "im", "sh", "ac",
	"vc", "ag", "sc", "so", "bz", "md", "st", "eu", "su",
};

/* Maps one capital letter (U+0080..U+07FF) to its small letter. */
static unsigned
fold_cp(unsigned cp)
{
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 0x20;
	if (cp == 0x178)
		return 0xFF;
	if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
		return cp | 1;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return (cp & 1) ? cp + 1 : cp;
	if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
		return cp + 0x20;
	if (cp == 0x386)
		return 0x3AC;
	if (cp >= 0x388 && cp <= 0x38A)
		return cp + 0x25;
	if (cp == 0x38C)
		return 0x3CC;
	if (cp == 0x38E || cp == 0x38F)
		return cp + 0x3F;
	if (cp >= 0x410 && cp <= 0x42F)
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 0x50;
	return cp;
}

char *
phone_fold(const char *s, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	unsigned cp;

	while (i < len) {
		/* eight ASCII bytes at a time: A-Z get 0x20 */
		if (i + 8 <= len) {
			uint64_t v, upper;

			memcpy(&v, p + i, sizeof(v));
			if (!(v & 0x8080808080808080ull)) {
				upper = ((v + 0x3F3F3F3F3F3F3F3Full) &
				    ~(v + 0x2525252525252525ull)) &
				    0x8080808080808080ull;
				v |= upper >> 2;
				memcpy(out + i, &v, sizeof(v));
				i += 8;
				continue;
			}
		}
		if (p[i] >= 'A' && p[i] <= 'Z') {
			out[i] = (char)(p[i] + 32);
			i++;
		} else if (p[i] >= 0xC2 && p[i] <= 0xDF && i + 1 < len &&
		    (p[i + 1] & 0xC0) == 0x80) {
			cp = ((unsigned)(p[i] & 0x1F) << 6) | (p[i + 1] & 0x3F);
			cp = fold_cp(cp);
			out[i] = (char)(0xC0 | (cp >> 6));
			out[i + 1] = (char)(0x80 | (cp & 0x3F));
			i += 2;
		} else {
			out[i] = (char)p[i];
			i++;
		}
	}
	out[len] = '\0';
	return out;
}

/* Decodes the code point before position i of s (0 at the start). */
static unsigned
cp_before(const unsigned char *s, size_t i)
{
	size_t j = i;
	unsigned cp;

	if (i == 0)
		return 0;
	j--;
	if (s[j] < 0x80)
		return s[j];
	while (j > 0 && (s[j] & 0xC0) == 0x80 && i - j < 4)
		j--;
	if (s[j] >= 0xF0)
		cp = s[j] & 0x07;
	else if (s[j] >= 0xE0)
		cp = s[j] & 0x0F;
	else
		cp = s[j] & 0x1F;
	for (j++; j < i; j++)
		cp = (cp << 6) | (s[j] & 0x3F);
	return cp;
}

static unsigned
cp_at(const unsigned char *s, size_t len, size_t i)
{
	unsigned cp;
	size_t n, k;

	if (i >= len)
		return 0;
	if (s[i] < 0x80)
		return s[i];
	if (s[i] >= 0xF0) {
		cp = s[i] & 0x07;
		n = 3;
	} else if (s[i] >= 0xE0) {
		cp = s[i] & 0x0F;
		n = 2;
	} else {
		cp = s[i] & 0x1F;
		n = 1;
	}
	for (k = 1; k <= n && i + k < len; k++)
		cp = (cp << 6) | (s[i + k] & 0x3F);
	return cp;
}

/*
 * Letters of alphabetic scripts (Latin, Greek, Cyrillic, Arabic...) join
 * into words; CJK, kana and hangul do not need word boundaries.
 */
static int
word_cp(unsigned cp)
{
	if (cp < 0x80)
		return isalnum((int)cp) != 0;
	return cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7;
}

/*
 * Lookups by code.  Every country's alpha-2 code is two capitals and
 * every calling code one to three digits, so both fit small tables,
 * filled on first use in table order (the first entry of a code wins, as
 * the walks they replace found it); phone_normalise made up to four
 * walks of the 244 entries for every number it read.
 */
static short iso_index[26][26];		/* countries index + 1; 0 none */
static const char *code_iso[4][1000];	/* [digits][value] */

static void
codes_build(void)
{
	static int built;
	const char *cc;
	size_t i, n;
	unsigned v;

	if (built)
		return;
	for (i = 0; i < ARRAY_SIZE(countries); i++) {
		const char *iso = countries[i].iso;

		if (!iso_index[iso[0] - 'A'][iso[1] - 'A'])
			iso_index[iso[0] - 'A'][iso[1] - 'A'] = (short)(i + 1);
	}
	/* the primary country of a shared code first */
	for (i = 0; i < ARRAY_SIZE(primary) + ARRAY_SIZE(countries); i++) {
		if (i < ARRAY_SIZE(primary))
			cc = primary[i].cc;
		else
			cc = countries[i - ARRAY_SIZE(primary)].cc;
		for (n = 0, v = 0; cc[n]; n++)
			v = v * 10 + (unsigned)(cc[n] - '0');
		if (!code_iso[n][v])
			code_iso[n][v] = i < ARRAY_SIZE(primary) ?
			    primary[i].iso :
			    countries[i - ARRAY_SIZE(primary)].iso;
	}
	built = 1;
}

static const struct country *
by_iso(const char *iso)
{
	short k;

	if (!iso || iso[0] < 'A' || iso[0] > 'Z' || iso[1] < 'A' ||
	    iso[1] > 'Z' || iso[2])
		return NULL;
	codes_build();
	k = iso_index[iso[0] - 'A'][iso[1] - 'A'];
	return k ? &countries[k - 1] : NULL;
}

int
phone_country_known(const char *iso)
{
	return by_iso(iso) != NULL;
}

const char *
phone_calling_code(const char *iso)
{
	const struct country *c = by_iso(iso);

	return c ? c->cc : NULL;
}

/* The country a calling code alone means, or NULL. */
static const char *
iso_of_code(const char *cc, size_t n)
{
	unsigned v = 0;
	size_t i;

	if (n < 1 || n > 3)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)cc[i]))
			return NULL;
		v = v * 10 + (unsigned)(cc[i] - '0');
	}
	codes_build();
	return code_iso[n][v];
}

/* Length of the calling code that digits start with (1-3), or 0. */
static size_t
code_len(const char *digits, size_t n)
{
	size_t k;

	for (k = 3; k >= 1; k--)
		if (n > k && iso_of_code(digits, k))
			return k;
	return 0;
}

const char *
phone_country_of(const char *e164)
{
	const char *d = e164;
	size_t n, k, i;

	if (!d)
		return NULL;
	if (*d == '+')
		d++;
	n = strlen(d);
	k = code_len(d, n);
	if (!k)
		return NULL;
	if (k == 1 && d[0] == '1' && n >= 4) {
		for (i = 0; i < ARRAY_SIZE(nanp); i++)
			if (memcmp(nanp[i].area, d + 1, 3) == 0)
				return nanp[i].iso;
		return "US";
	}
	if (k == 1 && d[0] == '7' && n >= 2 && (d[1] == '6' || d[1] == '7'))
		return "KZ";
	return iso_of_code(d, k);
}

const char *
phone_country_of_domain(const char *domain)
{
	const char *dot, *tld;
	char t[3];
	size_t i;

	if (!domain)
		return NULL;
	dot = strrchr(domain, '.');
	tld = dot ? dot + 1 : domain;
	if (strlen(tld) != 2 || !isalpha((unsigned char)tld[0]) ||
	    !isalpha((unsigned char)tld[1]))
		return NULL;
	t[0] = (char)tolower((unsigned char)tld[0]);
	t[1] = (char)tolower((unsigned char)tld[1]);
	t[2] = '\0';
	for (i = 0; i < ARRAY_SIZE(generic_tlds); i++)
		if (strcmp(generic_tlds[i], t) == 0)
			return NULL;
	if (strcmp(t, "uk") == 0)
		return "GB";
	for (i = 0; i < ARRAY_SIZE(countries); i++)
		if (tolower((unsigned char)countries[i].iso[0]) == t[0] &&
		    tolower((unsigned char)countries[i].iso[1]) == t[1])
			return countries[i].iso;
	return NULL;
}

/*
 * Calls fn for each name of each country, with the name's bytes; stops
 * when fn returns non-zero.
 */
typedef int (*name_fn)(const struct country *c, const char *name,
    size_t len, void *arg);

static void
each_name(name_fn fn, void *arg)
{
	const char *p, *bar;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(countries); i++) {
		p = countries[i].names;
		for (;;) {
			bar = strchr(p, '|');
			if (fn(&countries[i], p, bar ? (size_t)(bar - p) :
			    strlen(p), arg))
				return;
			if (!bar)
				break;
			p = bar + 1;
		}
	}
}

/*
 * The name index.  Searching a text by running memmem for each of the
 * ~1700 names cost more than the rest of the parse stage, so the names
 * are hashed once by their first bytes and a text is walked once,
 * looking up the names that start at each byte.  Abbreviations ('=')
 * are keyed on the raw bytes, the rest on the folded ones, since that
 * is how they are compared, each kind in its own buckets.  The folded
 * names are keyed on three bytes (every one has three; on two, 50 of
 * them shared "ma" and a walk passed them all), the 29 raw ones on two
 * ("UK"); the raw probe at a word start mostly finds an empty bucket.
 * An entry keeps its key, so that another name of the bucket is passed
 * without reading it.  Entries keep their place in the table ("order")
 * so that ties break as a walk of the table would.
 */
#define NAME_BUCKETS 4096

struct name_ent {
	const char *s;		/* the name's bytes, without the '=' */
	unsigned short len;
	unsigned short order;	/* position in each_name's walk */
	unsigned short country;	/* index in countries[] */
	unsigned short next;	/* next in the bucket, 0 ends (1-based) */
	unsigned key;		/* name_key() of its first bytes */
	unsigned char raw;	/* an '=' name: matched on the raw text */
	unsigned char first_word, last_word;	/* needs a word boundary */
};

static struct name_ent *name_ents;	/* built once, never freed */
static size_t name_count;
/* [0] the folded names, [1] the raw ones; 1-based, 0 empty */
static unsigned short name_heads[2][NAME_BUCKETS];

/* The first bytes of p as the index keys them: 3 (folded), 2 (raw). */
static unsigned
name_key(int raw, const unsigned char *p)
{
	return raw ? (unsigned)p[0] << 8 | p[1] :
	    (unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2];
}

static unsigned
name_hash(unsigned key)
{
	return (key * 2654435761u >> 16) & (NAME_BUCKETS - 1);
}

struct index_walk {
	size_t n;
};

static int
index_name(const struct country *c, const char *name, size_t len, void *arg)
{
	struct index_walk *w = arg;
	struct name_ent *e;
	unsigned h;
	int raw;

	raw = name[0] == '=';
	if (len - raw < (raw ? 2u : 3u)) {
		/* The index keys on three bytes, two for an abbreviation:
		 * a shorter name in the table is a mistake that every test
		 * of this module shows. */
		fprintf(stderr, "phone.c: country name '%.*s' is shorter "
		    "than its index key\n", (int)len, name);
		abort();
	}
	if (name_ents) {
		e = &name_ents[w->n];
		e->raw = (unsigned char)raw;
		e->s = name + raw;
		e->len = (unsigned short)(len - raw);
		e->order = (unsigned short)w->n;
		e->country = (unsigned short)(c - countries);
		e->key = name_key(raw, (const unsigned char *)e->s);
		e->first_word = (unsigned char)word_cp(
		    cp_at((const unsigned char *)e->s, e->len, 0));
		e->last_word = (unsigned char)word_cp(
		    cp_before((const unsigned char *)e->s, e->len));
		h = name_hash(e->key);
		e->next = name_heads[raw][h];
		name_heads[raw][h] = (unsigned short)(w->n + 1);
	}
	w->n++;
	return 0;
}

/* Builds the index on first use: count the names, then fill it. */
static void
index_build(void)
{
	struct index_walk w = { 0 };

	if (name_ents)
		return;
	each_name(index_name, &w);
	name_ents = xcalloc(w.n, sizeof(*name_ents));
	name_count = w.n;
	w.n = 0;
	each_name(index_name, &w);
}

/* The first name in the table that is exactly s (n bytes), or NULL. */
static const char *
name_exact(const char *raw, const char *folded, size_t n)
{
	const struct name_ent *e, *best = NULL;
	const char *hay;
	unsigned k;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		if (n < (pass ? 2u : 3u))
			continue;
		hay = pass ? raw : folded;
		k = name_heads[pass][name_hash(name_key(pass,
		    (const unsigned char *)hay))];
		for (; k; k = e->next) {
			e = &name_ents[k - 1];
			if (e->len == n && memcmp(hay, e->s, n) == 0 &&
			    (!best || e->order < best->order))
				best = e;
		}
	}
	return best ? countries[best->country].iso : NULL;
}

const char *
phone_country_by_name(const char *name, size_t len)
{
	char buf[128], folded[128];
	const char *iso;
	size_t i = 0, j = len;

	if (!name)
		return NULL;
	while (i < j && (isspace((unsigned char)name[i]) ||
	    strchr(",;:()[]", name[i])))
		i++;
	while (j > i && (isspace((unsigned char)name[j - 1]) ||
	    strchr(",;:()[]", name[j - 1])))
		j--;
	if (j - i == 0 || j - i >= sizeof(buf))
		return NULL;
	memcpy(buf, name + i, j - i);
	buf[j - i] = '\0';
	phone_fold(buf, j - i, folded);
	index_build();
	iso = name_exact(buf, folded, j - i);
	/* "China." as the end of an address line */
	if (!iso && j - i > 1 && buf[j - i - 1] == '.')
		iso = name_exact(buf, folded, j - i - 1);
	return iso;
}

/* isalnum() of the C locale for an ASCII byte, false for the others. */
static int
ascii_alnum(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26 ||
	    (unsigned char)(c - '0') < 10;
}

const char *
phone_country_in_text(const char *text, size_t len, size_t *at)
{
	const unsigned char *raw, *folded, *hay;
	const struct name_ent *e;
	const char *iso = NULL;
	char sbuf[512], *fbuf;
	size_t skip = 0, n, i, end, best_at = 0, best_end = 0;
	unsigned best_order = 0, k, key;
	int pass;

	if (!text || !len)
		return NULL;
	if (len > 4096) {
		skip = len - 4096;
		/* start on a character boundary */
		while (skip < len && ((unsigned char)text[skip] & 0xC0) == 0x80)
			skip++;
	}
	index_build();
	n = len - skip;
	/* a signature line fits the stack */
	fbuf = n < sizeof(sbuf) ? sbuf : xmalloc(n + 1);
	phone_fold(text + skip, n, fbuf);
	raw = (const unsigned char *)text + skip;
	folded = (const unsigned char *)fbuf;
	for (i = 0; i + 2 <= n; i++) {
		/* Inside an ASCII word no name can start: a name starting
		 * with a letter or digit needs a word boundary before it. */
		if (i > 0 && ascii_alnum(raw[i - 1]) && ascii_alnum(raw[i]))
			continue;
		for (pass = 0; pass < 2; pass++) {
			if (!pass && i + 3 > n)
				continue;
			hay = pass ? raw : folded;
			key = name_key(pass, hay + i);
			k = name_heads[pass][name_hash(key)];
			for (; k; k = e->next) {
				e = &name_ents[k - 1];
				if (e->key != key || e->len > n - i ||
				    memcmp(hay + i, e->s, e->len) != 0)
					continue;
				end = i + e->len;
				if (e->first_word && word_cp(cp_before(raw, i)))
					continue;
				if (e->last_word && word_cp(cp_at(raw, n, end)))
					continue;
				/* The match that ends last, then the longest,
				 * then the first in the table. */
				if (!iso || end > best_end ||
				    (end == best_end && i < best_at) ||
				    (end == best_end && i == best_at &&
				    e->order < best_order)) {
					iso = countries[e->country].iso;
					best_at = i;
					best_end = end;
					best_order = e->order;
				}
			}
		}
	}
	if (fbuf != sbuf)
		free(fbuf);
	if (iso && at)
		*at = best_at + skip;
	return iso;
}

#ifdef INQUIRYD_UNITTEST
/*
 * phone_country_in_text without the index: every name tried at every
 * offset, in table order, for test_phone (texts of up to 4096 bytes).
 */
const char *
phone_country_in_text_walk(const char *text, size_t len, size_t *at)
{
	const unsigned char *raw = (const unsigned char *)text, *hay;
	const char *iso = NULL;
	char *folded;
	size_t i, k, end, best_at = 0, best_end = 0, best_k = 0;
	const struct name_ent *e;

	if (!text || !len || len > 4096)
		return NULL;
	index_build();
	folded = xmalloc(len + 1);
	phone_fold(text, len, folded);
	for (i = 0; i < len; i++)
		for (k = 0; k < name_count; k++) {
			e = &name_ents[k];
			hay = e->raw ? raw : (const unsigned char *)folded;
			if (e->len > len - i || memcmp(hay + i, e->s, e->len))
				continue;
			end = i + e->len;
			if (e->first_word && word_cp(cp_before(raw, i)))
				continue;
			if (e->last_word && word_cp(cp_at(raw, len, end)))
				continue;
			if (!iso || end > best_end || (end == best_end &&
			    (i < best_at || (i == best_at && k < best_k)))) {
				iso = countries[e->country].iso;
				best_at = i;
				best_end = end;
				best_k = k;
			}
		}
	free(folded);
	if (iso && at)
		*at = best_at;
	return iso;
}
#endif

/*
 * Phone numbers.
 */

struct number {
	char d[24];		/* the digits */
	size_t n;
	int plus;		/* written with "+" (or "＋") */
	size_t paren;		/* digits in a leading "(..)" group */
	int spaced;		/* groups separated by blanks */
	size_t groups[8];	/* digits per group, for the date check */
	size_t ngroups;
	size_t used;
};

/* A full-width digit "０".."９" at p: its value, or -1. */
static int
wide_digit(const unsigned char *p, size_t left)
{
	if (left >= 3 && p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 &&
	    p[2] <= 0x99)
		return p[2] - 0x90;
	return -1;
}

static int
read_number(const char *text, size_t len, struct number *num)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, end = 0, in_paren = 0, paren_start = 0;
	int w, open = 0;

	memset(num, 0, sizeof(*num));
	if (len > PHONE_MAX_INPUT)
		len = PHONE_MAX_INPUT;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < len && p[i] == '+') {
		num->plus = 1;
		i++;
	} else if (i + 1 < len && p[i] == '(' && p[i + 1] == '+') {
		num->plus = 1;	/* "(+84) 28 ..." */
		open = 1;
		i += 2;
	} else if (i + 2 < len && p[i] == 0xEF && p[i + 1] == 0xBC &&
	    p[i + 2] == 0x8B) {
		num->plus = 1;
		i += 3;
	}
	while (i < len) {
		w = wide_digit(p + i, len - i);
		if (isdigit(p[i]) || w >= 0) {
			if (num->n >= sizeof(num->d) - 1)
				return -1;
			if (num->ngroups == 0)
				num->ngroups = 1;
			num->groups[num->ngroups - 1]++;
			num->d[num->n++] = (char)(w >= 0 ? '0' + w : p[i]);
			if (open)
				in_paren++;
			i += w >= 0 ? 3 : 1;
			end = i;
			continue;
		}
		if (p[i] == '(' && num->n >= 7)
			break;	/* "(841) 372-9462 (869) 805-3813" */
		if (p[i] == '(' && !open) {
			open = 1;
			in_paren = 0;
			paren_start = num->n;
		} else if (p[i] == ')' && open) {
			open = 0;
			if (in_paren == 1 && num->d[num->n - 1] == '0' &&
			    paren_start > 0) {
				num->n--;	/* "+44 (0)20": drop the 0 */
				num->groups[num->ngroups - 1]--;
			} else if (paren_start == 0 && num->paren == 0) {
				num->paren = in_paren;
			}
		} else if (p[i] == '-' || p[i] == '.' || p[i] == ' ' ||
		    p[i] == '/') {
			/* "0755-1234567 / 0755-7654321": a second number */
			if (p[i] == '/' && num->n >= 7)
				break;
			if (p[i] == ' ' && i + 1 < len && p[i + 1] == ' ' &&
			    num->n >= 7)
				break;
			if (p[i] == ' ' && i + 1 < len && isdigit(p[i + 1]))
				num->spaced = 1;
		} else if (p[i] == 0xC2 && i + 1 < len && p[i + 1] == 0xA0) {
			i++;	/* no-break space */
		} else if (p[i] == 0xE2 && i + 2 < len && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0x93 || p[i + 2] == 0x94 || p[i + 2] == 0x90 ||
		    p[i + 2] == 0x91)) {
			i += 2;	/* dashes */
		} else {
			break;
		}
		if (num->ngroups > 0 && num->groups[num->ngroups - 1] > 0 &&
		    num->ngroups < ARRAY_SIZE(num->groups))
			num->ngroups++;
		i++;
	}
	while (num->ngroups > 0 && num->groups[num->ngroups - 1] == 0)
		num->ngroups--;
	num->d[num->n] = '\0';
	num->used = end;
	if (num->plus)
		num->paren = 0;
	return 0;
}

/* "2024-05-01", "06/06/2013", "1.5.2020" are dates, not numbers. */
static int
looks_like_date(const struct number *num)
{
	const size_t *g = num->groups;
	const char *d = num->d;

	if (num->plus || num->spaced || num->ngroups != 3)
		return 0;
	if (g[0] == 4 && g[1] <= 2 && g[2] <= 2 &&
	    (strncmp(d, "19", 2) == 0 || strncmp(d, "20", 2) == 0))
		return 1;
	if (g[0] <= 2 && g[1] <= 2 && g[2] == 4 &&
	    (strncmp(d + g[0] + g[1], "19", 2) == 0 ||
	    strncmp(d + g[0] + g[1], "20", 2) == 0))
		return 1;
	return 0;
}

static int
emit(char *out, size_t size, const char *cc, const char *nsn)
{
	size_t nc = strlen(cc), nn = strlen(nsn), total = nc + nn;

	if (nn < 4 || total > 15 || total < 7 || size < PHONE_E164_SIZE)
		return -1;
	/* "+" cc nsn: at most 16 bytes and the NUL, which fit */
	out[0] = '+';
	memcpy(out + 1, cc, nc);
	memcpy(out + 1 + nc, nsn, nn);
	out[1 + total] = '\0';
	return 0;
}

/* Normalises the international digits d (calling code first). */
static int
international(const char *d, size_t n, char *out, size_t size)
{
	const struct country *c;
	char cc[4];
	size_t k = code_len(d, n);
	const char *nsn;

	if (!k)
		return -1;
	memcpy(cc, d, k);
	cc[k] = '\0';
	nsn = d + k;
	c = by_iso(iso_of_code(cc, k));
	/* "+86-021-...", "+44 020 ...": the trunk zero does not belong. */
	if (c && c->trunk && strcmp(c->trunk, "0") == 0 && nsn[0] == '0')
		nsn++;
	return emit(out, size, cc, nsn);
}

static void
as_written(const char *text, size_t used, char *out, size_t size)
{
	size_t i = 0, n;

	while (i < used && (text[i] == ' ' || text[i] == '\t'))
		i++;
	/* snprintf(out, size, "%.*s", used - i, text + i) */
	if (!size)
		return;
	n = strnlen(text + i, MIN(used - i, size - 1));
	memcpy(out, text + i, n);
	out[n] = '\0';
}

int
phone_normalise(const char *text, size_t len, const char *country,
    unsigned flags, char *out, size_t size, size_t *used)
{
	const struct country *c = by_iso(country);
	struct number num;
	const char *d, *nsn;
	size_t k;
	int rc = -1;

	if (size)
		out[0] = '\0';
	if (!text || read_number(text, len, &num) || num.n < 6 || num.n > 17)
		goto out;
	if (used)
		*used = num.used;
	if (looks_like_date(&num))
		goto out;
	d = num.d;
	if (num.plus) {
		rc = international(d, num.n, out, size);
		goto out;
	}
	if (d[0] == '0' && d[1] == '0' && num.n > 9) {
		rc = international(d + 2, num.n - 2, out, size);
		goto out;
	}
	if (c && strcmp(c->cc, "1") == 0 && strncmp(d, "011", 3) == 0 &&
	    num.n > 10) {
		rc = international(d + 3, num.n - 3, out, size);
		goto out;
	}
	/* "(1) 470 485 3590", "(852) 8121 2000" but not "(212) 555-1234" */
	if (num.paren >= 1 && num.paren <= 3 && d[0] != '0' &&
	    code_len(d, num.paren + 1) == num.paren &&
	    !(num.paren == 3 && num.n - 3 == 7)) {
		rc = international(d, num.n, out, size);
		goto out;
	}
	/* not "(11) 98765-4321": an area code in parentheses is national */
	if ((flags & PHONE_INTL) && d[0] != '0' && !num.paren &&
	    (k = code_len(d, num.n)) && num.n - k >= 6) {
		rc = international(d, num.n, out, size);
		goto out;
	}
	if (c && c->trunk && strcmp(c->cc, "1") != 0 &&
	    strncmp(d, c->cc, strlen(c->cc)) == 0 && num.n >= 11 &&
	    num.n - strlen(c->cc) >= 8 &&
	    (c->trunk[0] == '\0' || d[0] != c->trunk[0])) {
		rc = international(d, num.n, out, size);
		goto out;
	}
	if (!c) {
		as_written(text, num.used, out, size);
		rc = 1;
		goto out;
	}
	nsn = d;
	if (strcmp(c->cc, "1") == 0) {
		if (num.n == 11 && d[0] == '1')
			nsn = d + 1;
		if (strlen(nsn) != 10) {
			as_written(text, num.used, out, size);
			rc = 1;
			goto out;
		}
	} else if (c->trunk && c->trunk[0] &&
	    strncmp(d, c->trunk, strlen(c->trunk)) == 0) {
		nsn = d + strlen(c->trunk);
	}
	if (strlen(nsn) < 6 || strlen(nsn) > 13) {
		as_written(text, num.used, out, size);
		rc = 1;
		goto out;
	}
	rc = emit(out, size, c->cc, nsn);
out:
	return rc;
}
