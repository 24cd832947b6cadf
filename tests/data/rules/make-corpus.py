#!/usr/bin/python3
"""make-corpus.py - writes tests/data/rules/corpus: a small labelled corpus
in the format of ../shared/corpus/inquiries (inquiries.jsonl and one .eml
per message), written for inquiryd's own tests: buyers' phrasings in
English, Spanish, Portuguese, French, German, Russian and Chinese, and
the kinds of trade spam a sales box receives.  None is copied from the
shared corpus; "rules test" on it guards the rules against regressions.

    tests/data/rules/make-corpus.py [DIR]
"""
import json, os, sys
from email.message import EmailMessage
from email.utils import format_datetime
import datetime
C = []
def add(label, body, subject=None, frm="Buyer <buyer@example.com>", req=(), q=(), lang="en"):
    C.append(dict(label=label, body=body, subject=subject, frm=frm, req=list(req), q=list(q), lang=lang))

# ---------------- detailed, English
add("detailed", """Dear Sir,

We are a wholesaler of kitchenware in Melbourne. Please quote your best price for 3,000 pcs of stainless steel water bottles, 750ml, double wall, with our logo laser engraved. Packing: individual gift box, 50 pcs per export carton.

Delivery: CIF Melbourne, before the end of October.
Payment: 30% T/T deposit, balance against copy of B/L.

Could you also send 2 samples for approval?

Best regards,
Tom Baker
Purchasing Manager""", "RFQ - stainless steel water bottles",
    req=[("quantity","3,000 pcs"),("material","stainless steel"),("logo","logo"),("packaging","gift box"),("incoterm","CIF"),("port","Melbourne"),("payment","30% T/T"),("size","750ml")],
    q=["Could you also send 2 samples for approval?"])
add("detailed", """Hi,
I need 500 pairs of men's leather safety shoes, sizes 40-46, steel toe cap, CE EN ISO 20345 certified. Price FOB Ningbo please. When can you ship?
Thanks, Ahmed""", None, req=[("quantity","500 pairs"),("incoterm","FOB"),("port","Ningbo"),("certification","CE")], q=["When can you ship?"])
add("detailed", """Hello,

We would like to order 2 x 40HQ containers of A4 copy paper 80gsm, 500 sheets/ream, 5 reams/box. Destination port: Mombasa, Kenya. Please send your CFR price and lead time.

Regards""", "A4 paper order", req=[("quantity","40HQ"),("port","Mombasa"),("incoterm","CFR")], q=["Please send your CFR price and lead time."])
add("detailed", """Good day,
Our company is looking for LED panel lights 600x600mm, 40W, 4000K, with UL and DLC certificates. Quantity: 1200 units. Target price USD 8.50/pc DDP Los Angeles. Please advise the best price and delivery time.
Regards,
Maria""", "LED panel light inquiry", req=[("size","600x600"),("quantity","1200 units"),("target_price","8.50"),("incoterm","DDP"),("certification","UL")], q=["Please advise the best price and delivery time."])
add("detailed", """Dear supplier, we are interested in purchasing 10,000 custom printed paper bags, size 25x12x32 cm, kraft paper 120gsm, 2 colour printing on both sides, twisted handles. Please let me know the unit price and MOQ. Regards, Julia""", None,
    req=[("quantity","10,000"),("size","25x12x32"),("material","kraft paper")], q=["Please let me know the unit price and MOQ."])
add("detailed", """Hello, I am looking for 200 sets of office chairs, black mesh, with adjustable armrests. Delivery to Dubai. What is your price?""", "office chairs",
    req=[("quantity","200 sets"),("product","office chairs"),("colour","black"),("destination","Dubai")], q=["What is your price?"])
add("detailed", """Please quote 5 tons of cocoa powder, natural, fat 10-12%, packed in 25kg bags, CIF Rotterdam. Payment by L/C at sight.""", "Cocoa powder",
    req=[("quantity","5 tons"),("packaging","25kg bags"),("incoterm","CIF"),("port","Rotterdam"),("payment","L/C")])
add("detailed", """We need quotation for the following items:
1. Bluetooth speaker model BT-200, 1000 pcs, color black and blue
2. Power bank 10000mAh, 500 pcs, with our logo
Shipping by air to Lagos, Nigeria.
Kindly send proforma invoice.""", "Quotation request",
    req=[("quantity","1000 pcs"),("quantity","500 pcs"),("capacity","10000mAh"),("logo","logo"),("destination","Lagos")], q=["Kindly send proforma invoice."])
add("detailed", """Dear Sales,
Can you supply 300 rolls of PVC flooring, 2mm thickness, 2m width, 20m per roll, wood grain design? We need delivery within 30 days to Karachi port. Please share price and samples.
Thanks""", None, req=[("quantity","300 rolls"),("material","PVC"),("delivery","within 30 days"),("port","Karachi")], q=["Can you supply 300 rolls of PVC flooring, 2mm thickness, 2m width, 20m per roll, wood grain design?"])
add("detailed", """Hi there, we want to buy 50 units of 20ft shipping containers (used, cargo worthy). Delivery to Tema, Ghana. What's the best price?""", None,
    req=[("quantity","50 units"),("destination","Tema")], q=["What's the best price?"])
add("detailed", """I'd like a price for 1000 custom silicone wristbands, debossed with our logo, mixed colours (red, blue, yellow), individually packed in OPP bags. Need them by 15th March.""", None,
    req=[("quantity","1000"),("material","silicone"),("logo","logo"),("packaging","OPP bags"),("delivery","15th March")])
# ---------------- detailed, other languages
add("detailed", """Buenos días,
Necesitamos cotización de 2.000 unidades de mochilas escolares de poliéster, color azul y negro, con nuestro logo bordado. Precio FOB Shenzhen. Entrega antes del 30 de junio.
¿Cuál es el tiempo de producción?
Saludos""", "Cotización mochilas", lang="es",
    req=[("quantity","2.000 unidades"),("material","poliéster"),("logo","logo"),("incoterm","FOB"),("port","Shenzhen")], q=["¿Cuál es el tiempo de producción?"])
add("detailed", """Olá, precisamos de 5000 peças de camisetas de algodão, cor branca, tamanhos P ao GG, com estampa do nosso logotipo. Preço CIF Santos. Poderiam enviar amostras?
Obrigado""", "Cotação camisetas", lang="pt",
    req=[("quantity","5000 peças"),("material","algodão"),("incoterm","CIF"),("port","Santos")], q=["Poderiam enviar amostras?"])
add("detailed", """Bonjour,
Nous recherchons 800 pièces de lampes de bureau LED, couleur blanche, certifiées CE. Livraison à Marseille avant le 15 septembre. Pouvez-vous nous envoyer votre meilleur prix ?
Cordialement""", "Demande de devis", lang="fr",
    req=[("quantity","800 pièces"),("certification","CE")], q=["Pouvez-vous nous envoyer votre meilleur prix ?"])
add("detailed", """Sehr geehrte Damen und Herren,
wir benötigen 1.500 Stück Edelstahl-Thermobecher 500 ml, Farbe schwarz, mit unserem Logo graviert. Lieferung bis 1. Dezember, FOB Shanghai. Könnten Sie uns ein Angebot senden?
Mit freundlichen Grüßen""", "Anfrage Thermobecher", lang="de",
    req=[("quantity","1.500 Stück"),("incoterm","FOB"),("port","Shanghai")], q=["Könnten Sie uns ein Angebot senden?"])
add("detailed", """Здравствуйте!
Нам нужны 2000 штук силиконовых чехлов для телефона, цвет черный, с нанесением логотипа. Доставка в Москву, цена FOB Гуанчжоу. Пришлите, пожалуйста, коммерческое предложение.
С уважением""", "Запрос цены", lang="ru",
    req=[("quantity","2000 штук"),("incoterm","FOB")], q=["Пришлите, пожалуйста, коммерческое предложение."])
add("detailed", """您好，我们需要采购5000个不锈钢保温杯，容量500毫升，颜色为黑色，印上我们的logo。请报FOB宁波价格，交货期是多少？""", "询价", lang="zh",
    req=[("quantity","5000个"),("material","不锈钢"),("incoterm","FOB")], q=["请报FOB宁波价格，交货期是多少？"])
# ---------------- vague
add("vague", """Dear Sir/Madam,
We came across your company on the internet and are interested in your products. Kindly send us your latest catalogue and price list.
Best regards""", "Inquiry", q=["Kindly send us your latest catalogue and price list."])
add("vague", """Hello, what is your MOQ and do you have a catalog? Thanks""", None, q=["what is your MOQ and do you have a catalog?"])
add("vague", """Hi, we are a distributor in Chile and want to import your products. Please send more information about prices and payment terms.""", "Distribution", q=["Please send more information about prices and payment terms."])
add("vague", """Good morning, I saw your products on Alibaba. Can you send me your price list? Regards, Peter""", None, q=["Can you send me your price list?"])
add("vague", """Estimados, estamos interesados en sus productos. Por favor envíennos su catálogo y lista de precios. Saludos""", "Consulta", lang="es", q=["Por favor envíennos su catálogo y lista de precios."])
add("vague", """Bonjour, pouvez-vous m'envoyer votre catalogue et vos tarifs ? Merci""", None, lang="fr", q=["pouvez-vous m'envoyer votre catalogue et vos tarifs ?"])
add("vague", """Guten Tag, bitte senden Sie uns Ihren aktuellen Katalog mit Preisliste. Danke""", None, lang="de")
add("vague", """Добрый день! Пришлите, пожалуйста, ваш каталог и прайс-лист. Спасибо""", None, lang="ru")
add("vague", """你好，请发一下你们的产品目录和价格表，谢谢。""", None, lang="zh")
add("vague", """Olá, gostaria de receber o catálogo de produtos e a lista de preços. Obrigado""", None, lang="pt")
add("vague", """Hello,
We are interested in placing an order. Please advise the products you can supply and your best prices.
Thank you""", "Order inquiry")
add("vague", """Hi, do you have stock? How can I order? Please reply quickly.""", None)
# ---------------- spam
add("spam", """Hello,
Your website is not ranking on the first page of Google. We offer affordable SEO packages to get you top rankings and more organic traffic. Reply YES for a free audit.
Thanks""", "Website ranking")
add("spam", """Dear CEO,
(It's very urgent, please transfer this email to your CEO. Thanks)
We are a Network Service Company which is the domain name registration center in Shanghai. On the 2nd, we received an application from a company who wants to register "yourbrand" as their internet keyword and China (CN) domain names. Please confirm within 5 working days.""", "Notice of domain registration")
add("spam", """Dear Customer,
You have received a new purchase order. Please click here to view the PO document: http://docs-view.example.net/po.html
Sign in with your email password to download.""", "New Purchase Order #4512")
add("spam", """Hi,
Would you be interested in acquiring an email list of Construction Industry Decision Makers? We have 95,000 verified contacts with direct emails. Let me know and I will send counts and pricing.
Regards""", "Construction contacts list")
add("spam", """Good day,
I am Barrister James, the personal attorney to late Mr. Peter, who died with his family. He left a deposit of 8.5 million US dollars. I seek your consent to present you as next of kin.""", "Private and confidential")
add("spam", """Dear Sir,
We are a professional manufacturer of injection molds in China with 20 years of experience. We can offer you high quality and competitive price. If you have any new projects, please send us your drawings for a quotation within 24 hours.
To unsubscribe reply STOP""", "Mold manufacturer")
add("spam", """Hello,
I want to order 50 pcs of your product. I will pay with my credit card. My shipping agent will pick up the goods from your warehouse. Please send total cost.""", "Order")
add("spam", """Dear Valued Supplier,
You are invited to participate in our tender. Kindly download the tender documents and submit your bid. A registration fee of $200 is required for vendor registration.
Ministry of Works""", "Invitation to Tender")
add("spam", """Dear,
Attached is our new order list. Kindly check the attached RFQ and quote your best prices. Open the attachment to view.
Regards""", "New RFQ")
add("spam", """Hi,
We design modern mobile-friendly websites and can redesign your website for just $299. Increase your sales today!""", "Website redesign offer")

# ---------------- platform-style RFQs and terse mails
add("detailed", """i want 100pcs of this product,color black,size L,please send price to my whatsapp""", "Men Winter Jacket Waterproof Hooded Coat", req=[("quantity","100pcs"),("colour","black")])
add("detailed", """Need 20 sets, with EU plug 220V. Shipping to Poland by DHL. How much?""", "Electric Kettle 1.7L Stainless Steel", req=[("quantity","20 sets"),("voltage","220V"),("shipping","DHL")], q=["How much?"])
add("vague", """hello, price?""", "Wireless Earbuds TWS Bluetooth 5.3", q=["price?"])
add("vague", """I am interested in this product. Please contact me.""", "Portable Solar Generator Power Station")
add("detailed", """Quantity: 3000 pieces
Material: 100% cotton, 180gsm
Size: S, M, L, XL
Printing: front logo, 1 colour screen print
Please quote FOB price.""", "Custom T-shirts", req=[("quantity","3000 pieces"),("material","100% cotton"),("incoterm","FOB")], q=["Please quote FOB price."])
add("vague", """We are a big importer in Saudi Arabia and we want to make business with your company. Please send your company profile and products catalog. We are waiting for your response.""", "Business cooperation", q=["Please send your company profile and products catalog."])
add("spam", """Dear Partner,
We are an international freight forwarder offering the best shipping rates from China to USA and Europe, door to door service by sea and air. Please contact us for your next shipment.
Best regards""", "Shipping rates from China")
add("spam", """DHL Express: Your parcel is on hold due to unpaid customs fee. Click here to confirm delivery and pay the fee.""", "DHL delivery notification")

# ---------------- platform RFQs with the listing's attributes appended
add("vague", """Hello, I'm interested in this product, please send me price.Material:Cotton Size:S,M,L Color:Red,Blue Style:Casual Feature:Breathable ...""", "Summer Casual Shirt Men Short Sleeve Breathable", q=["please send me price."])
add("vague", """hi i want to know the price of this item Type:Power Bank Capacity:10000mAh Output:5V/2A Material:ABS ...""", "Fast Charging Portable Power Bank 10000mAh", q=["i want to know the price of this item"])
add("detailed", """I need 300 pcs with my logo, delivery to Manila. Material:Canvas Size:38x42cm Handle:Cotton rope ...""", "Custom Printed Canvas Tote Bags", req=[("quantity","300 pcs"),("logo","logo"),("destination","Manila")])

top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(os.path.join(top, "eml"), exist_ok=True)
out = open(os.path.join(top, "inquiries.jsonl"), "w")
when = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.timezone.utc)
for i, c in enumerate(C):
    ident = "syn-%03d" % (i + 1)
    m = EmailMessage()
    m["From"] = c["frm"]
    m["To"] = "Sales <sales@exporter.example>"
    if c["subject"]:
        m["Subject"] = c["subject"]
    m["Date"] = format_datetime(when + datetime.timedelta(hours=i))
    m["Message-ID"] = "<%s@inquiryd.test>" % ident
    m.set_content(c["body"] + "\n")
    with open(os.path.join(top, "eml", ident + ".eml"), "wb") as f:
        f.write(m.as_bytes(policy=m.policy.clone(linesep="\r\n")))
    out.write(json.dumps({"id": ident, "label": c["label"], "subject": c["subject"], "body": c["body"],
        "requirements": [{"field": f, "value": v} for f, v in c["req"]], "questions": c["q"],
        "eml": {"file": "eml/%s.eml" % ident, "from_header": c["frm"]}, "lang": c["lang"]},
        ensure_ascii=False) + "\n")
