#!/usr/bin/env python3
"""Writes the demo's sample inquiries (contrib/samples/*.eml).

The messages are made up for the demo: senders use reserved names
(example.com, *.example) and invented people.  They cover vague, detailed
and spam inquiries in several languages and charsets, an HTML-only RFQ
with a spec table, a forwarded inquiry and an out-of-office reply.
Run it from anywhere: python3 contrib/samples/make-samples.py
"""
import email.policy
import os
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
TO = "Sales <sales@example-gifts.com>"


def write(name, msg):
    data = msg.as_bytes(policy=email.policy.SMTP)
    with open(os.path.join(HERE, name), "wb") as fp:
        fp.write(data)


def base(n, frm, subject, domain="example.com"):
    m = EmailMessage()
    m["From"] = frm
    m["To"] = TO
    if subject is not None:
        m["Subject"] = subject
    m["Date"] = format_datetime(BASE + timedelta(hours=3 * n))
    m["Message-ID"] = "<demo-%02d.%s@%s>" % (n, "x7q", domain)
    return m


def text(n, name, frm, subject, body, charset="utf-8", cte=None,
         domain="example.com"):
    m = base(n, frm, subject, domain)
    m.set_content(body, charset=charset, cte=cte)
    write(name, m)


# 1. English, detailed, with the customer's title in the signature.
text(1, "01-en-detailed-speakers.eml",
     "Jick Smith <jick.smith@acme-trading.example>",
     "RFQ: 5,000 pcs Bluetooth speakers with our logo",
     """Dear Sales Team,

We are ACME Trading, an importer of consumer electronics in Texas, USA.
We would like to get your best price for the following:

Product: portable Bluetooth speaker, 5W, waterproof IPX5
Quantity: 5,000 pcs
Colour: black and navy blue
Logo: our logo printed on the front, 1 colour
Packaging: individual colour gift box, 40 pcs per export carton
Certification: CE and FCC required
Delivery: FOB Shenzhen, before 15 February 2027
Payment: T/T 30% deposit, 70% against copy of B/L

Could you send us a sample before mass production?
What is your lead time for 5,000 pcs?

Best regards,

Mr. Jick Smith
Purchasing Manager
ACME Trading Inc.
1200 Commerce St, Dallas, TX 75202, USA
Tel: +1 214 555 0148
WhatsApp: +1 214 555 0199
www.acme-trading.example
""", domain="acme-trading.example")

# 2. English, vague, free mail.
text(2, "02-en-vague-catalog.eml",
     "Maria Lopez <maria.lopez.buyer@mail.example>",
     "Inquiry",
     """Hello,

I saw your products on your website and I am interested. Please send me
your latest catalog and price list, and your MOQ.

Thanks,
Maria
""")

# 3. Spanish, vague, ISO-8859-1 quoted-printable.
text(3, "03-es-vague-latin1.eml",
     "Carlos Ruiz <compras@distribuidora-sol.example>",
     "Solicitud de catálogo y precios",
     """Estimados señores:

Somos una distribuidora de artículos promocionales en Valencia, España.
Nos interesan sus productos. ¿Podrían enviarnos su catálogo y lista de
precios? También quisiéramos saber la cantidad mínima de pedido.

Saludos cordiales,
Carlos Ruiz
Distribuidora Sol S.L.
Tel. +34 961 555 012
""", charset="iso-8859-1", cte="quoted-printable",
     domain="distribuidora-sol.example")

# 4. German, detailed, windows-1252 8bit.
text(4, "04-de-detailed-powerbanks.eml",
     "Dr. Anna Becker <a.becker@becker-handel.example>",
     "Anfrage: 2.000 Powerbanks 10000 mAh mit Logo",
     """Sehr geehrte Damen und Herren,

wir benötigen ein Angebot für 2.000 Stück Powerbanks, 10000 mAh, USB-C,
Farbe weiß, mit unserem Logo (Lasergravur), einzeln verpackt.
Lieferung CIF Hamburg bis Ende Januar 2027. Zertifikate: CE und RoHS.

Können Sie uns bitte auch ein Muster schicken?

Mit freundlichen Grüßen

Dr. Anna Becker
Einkauf
Becker Handel GmbH
Hafenstraße 12, 20457 Hamburg, Deutschland
Tel.: +49 40 5555 0123
""", charset="windows-1252", cte="8bit", domain="becker-handel.example")

# 5. French, detailed, base64.
text(5, "05-fr-detailed-umbrellas.eml",
     "Julien Moreau <j.moreau@cadeaux-pro.example>",
     "Demande de prix - parapluies personnalisés",
     """Bonjour,

Nous souhaitons recevoir votre meilleur prix pour 1 000 pièces de
parapluies pliants, taille 21 pouces, couleur bleu marine, avec notre logo
imprimé sur deux panneaux. Livraison DDP Paris, délai souhaité : 6
semaines. Paiement par L/C.

Pourriez-vous nous indiquer votre délai de production ?

Cordialement,
Julien Moreau
Acheteur, Cadeaux Pro SARL
12 rue de la Paix, 75002 Paris, France
Tél : +33 1 55 55 01 23
""", cte="base64", domain="cadeaux-pro.example")

# 6. Portuguese, vague.
text(6, "06-pt-vague.eml",
     "Ana Souza <ana.souza@lojas-brasil.example>",
     "Catálogo",
     """Olá,

Gostaria de receber o catálogo de produtos e a tabela de preços da sua
empresa. Somos uma rede de lojas de presentes em São Paulo.

Atenciosamente,
Ana Souza
Lojas Brasil Ltda.
""", domain="lojas-brasil.example")

# 7. Russian, detailed, KOI8-R.
text(7, "07-ru-detailed-koi8r.eml",
     "Иван Петров <ivan.petrov@torg-dom.example>",
     "Запрос цены: термокружки 3000 шт",
     """Добрый день!

Прошу прислать коммерческое предложение на термокружки из нержавеющей
стали 450 мл, 3000 шт, с нанесением нашего логотипа. Условия поставки FOB
Шэньчжэнь, оплата T/T. Срок поставки - до 1 марта.

Какой минимальный заказ?

С уважением,
Иван Петров
ООО "Торговый Дом"
Москва, Россия
Тел.: +7 495 555-01-23
""", charset="koi8-r", domain="torg-dom.example")

# 8. Chinese, detailed, GBK.
text(8, "08-zh-detailed-gbk.eml",
     "王伟 <wangwei@huamei-trade.example>",
     "询价：蓝牙音箱 10000个",
     """您好！

我司需要采购蓝牙音箱10000个，黑色，带我司LOGO丝印，彩盒包装。
价格条款：FOB深圳，付款方式：T/T。要求CE认证，交货期30天内。

请问最快什么时候可以出货？

此致
敬礼

王伟
采购部经理
华美贸易有限公司
电话：+86 21 5555 0123
微信：wangwei_huamei
""", charset="gbk", domain="huamei-trade.example")

# 9. Spam: SEO pitch.
text(9, "09-spam-seo.eml",
     "Digital Growth Team <seo.expert.rank@mail.example>",
     "Get your website on the first page of Google",
     """Hello Business Owner,

I was checking your website and noticed it is not ranking on the first
page of Google for many keywords. We are a team of SEO experts and web
designers. We can increase your traffic and sales with our affordable
monthly SEO packages.

Reply "YES" and I will send you a free website audit report.

Regards,
Digital Growth Team
""")

# 10. Spam: "view the purchase order" phishing, HTML only.
m = base(10, "Purchasing Dept <procurement@orders-secure.example>",
         "New Purchase Order #PO-88231 - please confirm")
m.set_content("""<html><body><p>Dear Supplier,</p>
<p>Please find attached our new purchase order. Kindly click the link
below to view the purchase order and confirm the prices.</p>
<p><a href="http://orders-secure.example/po/view.php?id=88231">View
Purchase Order (PDF)</a></p>
<p>You will be required to sign in with your email password to view the
document.</p><p>Regards,<br>Procurement</p></body></html>""", subtype="html")
write("10-spam-phishing-html.eml", m)

# 11. English, detailed, HTML only with a spec table.
m = base(11, "Sarah Johnson <sarah@green-bags.example>",
         "Quotation request - cotton tote bags", "green-bags.example")
m.set_content("""<html><body>
<p>Hi,</p>
<p>Please quote the following cotton tote bags for our retail stores in
the UK:</p>
<table border="1">
<tr><th>Item</th><th>Size</th><th>Material</th><th>Printing</th><th>Qty</th></tr>
<tr><td>Tote bag</td><td>38 x 42 cm</td><td>10 oz natural cotton</td><td>2 colours, one side</td><td>3,000 pcs</td></tr>
<tr><td>Tote bag with gusset</td><td>40 x 35 x 10 cm</td><td>12 oz canvas</td><td>1 colour, both sides</td><td>2,000 pcs</td></tr>
</table>
<p>Shipping: CIF Felixstowe. Target price: USD 1.20 per piece for the
first item. Do you have OEKO-TEX certification?</p>
<p>Kind regards,<br>Sarah Johnson<br>Buyer, Green Bags Ltd<br>
London, United Kingdom<br>Tel +44 20 5555 0175</p>
</body></html>""", subtype="html")
write("11-en-detailed-html-table.eml", m)

# 12. A colleague forwards a customer's inquiry (Gmail style).
text(12, "12-en-forwarded.eml",
     "Tom Lee <tom@example-gifts.com>",
     "Fwd: Earbuds inquiry",
     """Please handle this one.

---------- Forwarded message ---------
From: Priya Sharma <priya@novatech-india.example>
Date: Mon, 23 Nov 2026 at 10:12
Subject: Earbuds inquiry
To: Tom Lee <tom@example-gifts.com>


Dear Sir,

We need 2,000 sets of wireless earbuds (TWS, Bluetooth 5.3) with charging
case, white colour, custom logo on the case. Delivery CIF Mumbai. Please
quote your best price and tell us the MOQ.

Is it possible to get a sample first?

Regards,
Priya Sharma
Director, NovaTech India Pvt Ltd
Mumbai, India
Mobile: +91 98 5555 0123
""", domain="example-gifts.com")

# 13. An out-of-office reply: flagged and never drafted.
m = base(13, "Peter Wong <peter@bright-imports.example>",
         "Automatic reply: Our new catalogue", "bright-imports.example")
m["Auto-Submitted"] = "auto-replied"
m.set_content("""I am out of the office until 30 November with limited
access to email. For urgent matters please contact sales@bright-imports.example.
""")
write("13-auto-reply.eml", m)

# 14. Traditional Chinese, vague, Big5.
text(14, "14-zh-tw-vague-big5.eml",
     "陳小姐 <chen@lianfa.example>",
     "詢問產品目錄",
     """您好，

我們是台灣的禮品公司，對貴公司的產品很有興趣。
請提供產品目錄和價格表，謝謝。

陳美玲
聯發禮品有限公司
台北市
電話：+886 2 5555 0123
""", charset="big5", domain="lianfa.example")

# 15. English, detailed, with a drawing attached and questions.
m = base(15, "Ms. Olivia Brown <olivia.brown@eventsplus.example>",
         "Lanyards for our conference - 800 pcs", "eventsplus.example")
m.set_content("""Good morning,

We need 800 pcs polyester lanyards, 20 mm wide, full-colour sublimation
print both sides (artwork attached), with metal lobster clip and safety
breakaway. Delivery to Sydney, Australia by 10 January. We can pay by
PayPal.

Can you meet this date? What is the price including express shipping?

Thank you,
Ms. Olivia Brown
Events Coordinator
Events Plus Pty Ltd
Sydney NSW 2000, Australia
+61 2 5555 0142
""")
m.add_attachment(b"%PDF-1.4\n% demo artwork placeholder\n", maintype="application",
                 subtype="pdf", filename="lanyard artwork v2.pdf")
write("15-en-detailed-attachment.eml", m)
