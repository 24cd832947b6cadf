#!/bin/sh
# tests/integration/import.sh - the real binary end to end on files:
# import of .eml files, an mbox and a Maildir; exactly once; broken and
# hostile messages quarantined by name while the next goes on; the JSON
# contracts of classify, list and show; mark, draft ID, retry, the Sent
# tracking from files, contacts export and report.
. "$(dirname "$0")/../lib/tap.sh"
. "$INQUIRYD_TOP/tests/lib/conf.sh"

py=/usr/bin/python3
tmp=$(tap_tmpdir)
bin=$INQUIRYD_BIN
conf=$tmp/inquiryd.conf
samples=$INQUIRYD_TOP/contrib/samples

{
	files_conf "$tmp/db" "$tmp"
	cat <<CONF

[account sales]
url = imaps://127.0.0.1:1
user = sales@example-gifts.com
password_command = echo unused
rep = Alice Wang <alice@example-gifts.com>
CONF
} >"$conf"

inq() { "$bin" -c "$conf" "$@"; }
json() { $py -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# --- import the samples ----------------------------------------------------
inq import -q "$samples" >"$tmp/out1" 2>"$tmp/err1"
is "import of the samples exits 0" "$?" 0
is "summary of the samples" "$(tail -n 1 "$tmp/out1")" \
    "15 messages: 14 inquiries ($(inq list --json --class vague | json 'len(d)') vague, $(inq list --json --class detailed | json 'len(d)') detailed, $(inq list --json --class spam | json 'len(d)') spam), 0 recorded, 0 follow-ups, 0 duplicates, 1 ignored, 0 failed"
n1=$(inq list --json | json 'len(d)')
is "14 inquiries stored (the out-of-office reply is not one)" "$n1" 14

# Each sample's class, as the demo shows it.
for pair in 01:detailed 02:vague 03:vague 04:detailed 05:detailed 06:vague \
    07:detailed 08:detailed 09:spam 10:spam 11:detailed 12:detailed \
    14:vague 15:detailed; do
	num=${pair%%:*}
	want=${pair#*:}
	got=$(inq list --json | json "[q['class'] for q in d if (q['message_id'] or '').startswith('demo-$num.')][0]")
	is "sample $num is $want" "$got" "$want"
done

# --- exactly once ------------------------------------------------------------
inq import -q "$samples" >"$tmp/out2" 2>&1
is "a second import stores nothing new" \
    "$(inq list --json | json 'len(d)')" "$n1"
case $(tail -n 1 "$tmp/out2") in
*"15 duplicates"*) ok "the second import reports 15 duplicates" ;;
*) not_ok "the second import reports 15 duplicates" "$(tail -n 1 "$tmp/out2")" ;;
esac
# The same messages as an mbox and as a Maildir are the same messages.
mkdir -p "$tmp/md/cur" "$tmp/md/new" "$tmp/md/tmp"
i=0
for f in "$samples"/*.eml; do
	i=$((i + 1))
	printf 'From someone@example.com Mon Nov 23 10:00:00 2026\n' >>"$tmp/box.mbox"
	sed 's/^From />From /' "$f" | tr -d '\r' >>"$tmp/box.mbox"
	printf '\n' >>"$tmp/box.mbox"
	cp "$f" "$tmp/md/new/$i.host"
done
inq import -q "$tmp/box.mbox" "$tmp/md" >/dev/null 2>&1
is "the mbox and Maildir copies add nothing" \
    "$(inq list --json | json 'len(d)')" "$n1"

# --- JSON contracts ----------------------------------------------------------
inq classify --json "$samples/01-en-detailed-speakers.eml" >"$tmp/c.json"
is "classify --json exits 0" "$?" 0
check "classify --json has the contract's keys" $py - "$tmp/c.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("class", "score", "rules", "requirements", "questions", "sender",
          "signature", "visible_text", "language"):
    assert k in d, k
assert d["class"] in ("vague", "detailed", "spam"), d["class"]
assert isinstance(d["rules"], list) and all(isinstance(r, str) for r in d["rules"])
for r in d["requirements"]:
    assert set(("field", "value")) <= set(r), r
for k in ("name", "email", "domain", "free_mail"):
    assert k in d["sender"], k
for k in ("text", "name", "title", "company", "phones", "whatsapp", "skype",
          "wechat", "address", "website", "country"):
    assert k in d["signature"], k
assert isinstance(d["signature"]["phones"], list)
assert d["sender"]["email"] == "jick.smith@acme-trading.example"
assert d["language"] == "en"
assert "Bluetooth" in d["visible_text"] and "Purchasing Manager" not in d["visible_text"]
PY
check "list --json has the contract's keys" sh -c "'$bin' -c '$conf' list --json | $py -c '
import json, sys
d = json.load(sys.stdin)
assert d
for q in d:
    for k in (\"id\", \"class\", \"status\", \"account\", \"message_id\", \"sender\",
              \"subject\", \"draft_path\", \"quote_path\"):
        assert k in q, k
'"
id1=$(inq list --json | json "[q['id'] for q in d if (q['message_id'] or '').startswith('demo-01.')][0]")
check "show --json has the contract's keys and the history" sh -c "'$bin' -c '$conf' show --json $id1 | $py -c '
import json, sys
q = json.load(sys.stdin)
for k in (\"id\", \"class\", \"status\", \"account\", \"message_id\", \"sender\",
          \"subject\", \"draft_path\", \"quote_path\", \"verdict\", \"events\"):
    assert k in q, k
assert q[\"status\"] == \"drafted\", q[\"status\"]
assert q[\"account\"] == \"sales\"
assert [e[\"type\"] for e in q[\"events\"]][:2] == [\"received\", \"classified\"]
import os
assert os.path.exists(q[\"draft_path\"]), q[\"draft_path\"]
'"
check "show prints the inquiry for a rep" sh -c "'$bin' -c '$conf' show $id1 | grep -q 'requirements:'"

# --- broken, odd and hostile messages go by name, the next goes on ------------
mkdir -p "$tmp/bad"
printf 'From: a@b.example\r\nSubject: broken\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhalf a part with no end\r\n' >"$tmp/bad/1-broken.eml"
printf 'From: b@c.example\r\nSubject: odd charset\r\nContent-Type: text/plain; charset=x-klingon-8\r\n\r\nWe need 500 pcs of \xe9\xe8 mugs, FOB Ningbo.\r\n' >"$tmp/bad/2-charset.eml"
head -c 3000000 /dev/urandom >"$tmp/bad/3-noise.eml"
printf 'From: c@d.example\r\nSubject: last one\r\n\r\nPlease send your catalog.\r\n' >"$tmp/bad/4-last.eml"
inq import "$tmp/bad" >"$tmp/out3" 2>&1
is "import of broken messages exits 0" "$?" 0
check "the last message after the broken ones was stored" \
    grep -q "last one" "$tmp/out3"
check "the unknown charset was read" sh -c "'$bin' -c '$conf' list --json | grep -q 'odd charset'"
n_failed=$(inq list --json --status failed | json 'len(d)')
inq list --status failed >"$tmp/failed"
if [ "$n_failed" -ge 1 ]; then
	check "list --status failed names the file and the reason" \
	    grep -q "noise\|3-noise\|no \(From\|header\)\|not a message" "$tmp/failed"
else
	ok "random bytes were read as a (meaningless) message"
fi
# Over the size cap: recorded and quarantined, not loaded.
sed 's/^\[account sales\]/[account sales]\nmax_message_size = 10K/' "$conf" >"$tmp/small.conf"
$py -c "
import sys
body = 'x' * 100 + '\r\n'
sys.stdout.write('From: big@e.example\r\nSubject: big one\r\nMessage-ID: <big@e.example>\r\n\r\n' + body * 300)
" >"$tmp/big.eml"
"$bin" -c "$tmp/small.conf" import "$tmp/big.eml" >"$tmp/out4" 2>&1
check "a message over max_message_size is quarantined with its size" \
    grep -q "over the size limit" "$tmp/out4"
nbig() { "$bin" -c "$tmp/small.conf" list --json --status failed |
    json "len([q for q in d if '$1' in (q['reason'] or '')])"; }
"$bin" -c "$tmp/small.conf" import "$tmp/big.eml" >/dev/null 2>&1
is "the same over-size message seen again keeps its one failed record" \
    "$(nbig 'over the size limit')" 1
# The cap raised, the same file is read whole: its failed record goes.
"$bin" -c "$conf" import "$tmp/big.eml" >"$tmp/out4b" 2>&1
is "read under a larger cap, the over-size record gives way" \
    "$(nbig 'over the size limit')" 0
is "and the message is stored once" "$(inq list --json |
    json "len([q for q in d if (q['message_id'] or '') == 'big@e.example'])")" 1
# Over the parse caps (1,001 parts): quarantined once, however often seen.
$py -c "
import sys
w = sys.stdout.write
w('From: parts@e.example\r\nSubject: many parts\r\nMIME-Version: 1.0\r\n'
  'Content-Type: multipart/mixed; boundary=b\r\n\r\n')
for i in range(1001):
    w('--b\r\nContent-Type: text/plain\r\n\r\npart %d\r\n' % i)
w('--b--\r\n')
" >"$tmp/parts.eml"
"$bin" -c "$conf" import "$tmp/parts.eml" >"$tmp/out5" 2>&1
check "a message over the part cap is quarantined with its reason" \
    grep -qi "parts" "$tmp/out5"
"$bin" -c "$conf" import "$tmp/parts.eml" >/dev/null 2>&1
"$bin" -c "$conf" import --retry-failed >"$tmp/out6" 2>&1
check "retry-failed processes it again and says it still fails" \
    grep -qi "parts" "$tmp/out6"
is "seen three times, quarantined once" "$(nbig 'MIME parts')" 1

# --- mark, draft ID ----------------------------------------------------------
is "mark won" "$(inq mark "$id1" won)" "#$id1 won"
is "show says won" "$(inq show --json "$id1" | json "d['status']")" won
inq mark "$id1" sideways >/dev/null 2>&1
is "mark refuses an unknown status with exit 2" "$?" 2
inq show 99999 >/dev/null 2>&1
is "show of a missing inquiry exits 2" "$?" 2
id2=$(inq list --json | json "[q['id'] for q in d if (q['message_id'] or '').startswith('demo-02.')][0]")
old=$(inq show --json "$id2" | json "d['draft_path']")
inq draft "$id2" >"$tmp/redraft" 2>&1
is "draft ID renders again" "$?" 0
new=$(inq show --json "$id2" | json "d['draft_path']")
if [ -n "$new" ] && [ "$new" != "$old" ] && [ -f "$new" ] && [ -f "$old" ]; then
	ok "the new draft is the latest and the old one stays"
else
	not_ok "the new draft is the latest and the old one stays" "old=$old new=$new"
fi

# --- Sent tracking from files --------------------------------------------------
id11=$(inq list --json | json "[q['id'] for q in d if (q['message_id'] or '').startswith('demo-11.')][0]")
mkdir -p "$tmp/sent"
cat >"$tmp/sent/reply.eml" <<'EML'
From: Alice Wang <alice@example-gifts.com>
To: Sarah Johnson <sarah@green-bags.example>
Subject: Re: Quotation request - cotton tote bags
Message-ID: <reply-11@example-gifts.com>
In-Reply-To: <demo-11.x7q@green-bags.example>
Date: Mon, 23 Nov 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b"

--b
Content-Type: text/plain

Dear Sarah, please find our quotation attached.
--b
Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
Content-Disposition: attachment; filename="GREEN BAGS TOTE BAG QUOTATION.xlsx"
Content-Transfer-Encoding: base64

UEsDBA==
--b--
EML
inq import --sent --account sales "$tmp/sent" >/dev/null 2>&1
is "a reply with a quote in Sent moves the inquiry to quoted" \
    "$(inq show --json "$id11" | json "d['status']")" quoted
cat >"$tmp/answer.eml" <<'EML'
From: Sarah Johnson <sarah@green-bags.example>
To: Alice Wang <alice@example-gifts.com>
Subject: Re: Re: Quotation request - cotton tote bags
Message-ID: <answer-11@green-bags.example>
In-Reply-To: <reply-11@example-gifts.com>
References: <demo-11.x7q@green-bags.example> <reply-11@example-gifts.com>
Date: Tue, 24 Nov 2026 09:00:00 +0000

Thanks, can you do 1.10 per piece?
EML
inq import "$tmp/answer.eml" >"$tmp/out5" 2>&1
check "the customer's answer is a follow-up, not a new inquiry" \
    grep -q "follow-up" "$tmp/out5"
is "and the inquiry is answered" \
    "$(inq show --json "$id11" | json "d['status']")" answered

# --- contacts and report ------------------------------------------------------
# An HTML-only inquiry whose signature is icons and messengers: its
# links' targets reach the signature stage, and every field the rules
# find reaches the contacts export.
mkdir -p "$tmp/vn"
cat >"$tmp/vn/rfq.eml" <<'EML'
From: Nguyen Van Minh <minh@minhphat.com.vn>
To: sales@example-gifts.com
Subject: RFQ: 2,000 gift boxes
Date: Wed, 25 Nov 2026 09:00:00 +0700
Message-ID: <vn-rfq-1@minhphat.com.vn>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><body><p>Dear Sir,</p><p>Please quote 2,000 pcs of the kraft gift
box, see our <a href="https://drive.example/d/box">drawing</a>.</p>
<p>Best regards,<br>Nguyen Van Minh<br>Purchasing Manager<br>
Minh Phat Trading Co., Ltd<br>Zalo: 0901 234 567<br>
<a href="https://t.me/minhphat_trade"><img src="cid:tg"></a><a
href="skype:minhphat.trade?call"><img src="cid:sk"></a>
<a href="https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.minhphat.com.vn%2F&amp;data=05">Our website</a></p>
</body></html>
EML
inq import -q "$tmp/vn" >/dev/null 2>&1
is "the HTML inquiry is imported" "$?" 0
inq contacts export --csv "$tmp/contacts.csv" 2>/dev/null
is "contacts export exits 0" "$?" 0
check "the contacts have the signature's phone" \
    grep -q "jick.smith@acme-trading.example" "$tmp/contacts.csv"
check "and the HTML signature's Zalo, Telegram and Skype icons, Safe Link website" \
    $py - "$tmp/contacts.csv" <<'PY'
import csv, sys
rows = {r["email"]: r for r in csv.DictReader(open(sys.argv[1]))}
r = rows["minh@minhphat.com.vn"]
assert r["zalo"] == "+84901234567", r
assert r["telegram"] == "minhphat_trade", r
assert r["skype"] == "minhphat.trade", r
assert r["website"] == "https://www.minhphat.com.vn/", r
assert r["title"] == "Purchasing Manager", r
PY
inq report --json >"$tmp/report.json"
is "report --json exits 0" "$?" 0
check "report --json has funnel, response_hours and groups" $py - "$tmp/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("received", "drafted", "replied", "quoted", "answered", "won", "lost"):
    assert k in d["funnel"], k
assert d["funnel"]["quoted"] >= 1 and d["funnel"]["won"] == 1
assert "median" in d["response_hours"] and "p90" in d["response_hours"]
assert isinstance(d["groups"], list)
PY

# --- usage and configuration errors -----------------------------------------------
inq list --class nonsense >/dev/null 2>&1
is "a bad option value exits 2" "$?" 2
printf '[general]\ndatabase = x\nnonsense = 1\n' >"$tmp/bad.conf"
"$bin" -c "$tmp/bad.conf" list >"$tmp/badconf" 2>&1
is "a bad config exits 2" "$?" 2
check "and names the file and line" grep -q "bad.conf:3: unknown key 'nonsense'" "$tmp/badconf"
for c in run poll import classify rules list show draft send mark report contacts digest; do
	"$bin" "$c" --help >/dev/null 2>&1 || not_ok "$c --help exits 0"
done
ok "every command has --help"

# A draft that cannot be made (no From address) leaves no quote file
# behind: nothing on disk that the store does not know of.
mkdir -p "$tmp/nofrom"
cat >"$tmp/nofrom.conf" <<CONF
[general]
database = $tmp/nofrom/db
drafts_dir = $tmp/nofrom/drafts
quotes_dir = $tmp/nofrom/quotes
rules_dir = $INQUIRYD_TOP/rules
templates_dir = $INQUIRYD_TOP/templates
catalog = $INQUIRYD_TOP/contrib/catalog.csv
[company]
name = Example Gifts
[enrich]
enabled = no
CONF
"$bin" -c "$tmp/nofrom.conf" import "$samples/01-en-detailed-speakers.eml" >"$tmp/nofrom/out" 2>&1
check "no From address: the log says why there is no draft" \
    grep -q "no draft: no From address" "$tmp/nofrom/out"
is "and no orphan quote or draft file is left" \
    "$(find "$tmp/nofrom/quotes" "$tmp/nofrom/drafts" -type f 2>/dev/null | wc -l | tr -d ' ')" 0

# import_box DIR: DIR/box, with the first sample added, imported under a
# config of its own (DIR.conf); the output in DIR/out.
import_box() {
	mkdir -p "$1/box"
	cp "$samples/01-en-detailed-speakers.eml" "$1/box/"
	files_conf "$1" "$1/box" >"$1.conf"
	"$bin" -c "$1.conf" import "$1/box" >"$1/out" 2>&1
}

# The last line of an import's output, without the classes.
summary() {
	tail -n 1 "$1" | sed 's/ (.*spam)//'
}

# A folder imported with the drafts and quotes folders inside it: the
# walk leaves them out, so the draft written for its first message is not
# read back as a message.
import_box "$tmp/own"
is "our drafts folder inside the folder imported is left out" \
    "$(summary "$tmp/own/out")" \
    "1 message: 1 inquiry, 0 recorded, 0 follow-ups, 0 duplicates, 0 ignored, 0 failed"
is "and only the inquiry has a draft" \
    "$(find "$tmp/own/box/drafts" -type f | wc -l | tr -d ' ')" 1
# A draft of ours that comes in all the same (a rep's copy in the sales
# box, a draft imported by name) is recorded as ours, never answered.
"$bin" -c "$tmp/own.conf" import "$tmp/own/box/drafts" >"$tmp/own/out2" 2>&1
check "a draft of ours imported is ignored as our own draft" \
    grep -q "ignored .*/drafts/.*: our own draft" "$tmp/own/out2"
is "and gets no draft of its own" \
    "$(find "$tmp/own/box/drafts" -type f | wc -l | tr -d ' ')" 1

# An empty file in the folder is kept as a message, not counted as an
# inquiry nor answered.
mkdir -p "$tmp/empty/box"
: >"$tmp/empty/box/empty.eml"
printf '  \r\n\r\n' >"$tmp/empty/box/blank.eml"
import_box "$tmp/empty"
# (blank.eml comes first; empty.eml, the same nothing, is its duplicate.)
is "empty files are ignored as empty messages" \
    "$(summary "$tmp/empty/out")" \
    "3 messages: 1 inquiry, 0 recorded, 0 follow-ups, 1 duplicate, 1 ignored, 0 failed"
check "and the output says so, naming the file" \
    grep -q "ignored .*/blank.eml: empty message" "$tmp/empty/out"

done_testing
