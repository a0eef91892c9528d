# shellcheck shell=sh disable=SC2119 # collect takes optional arguments
#
# Hostile file names under /etc/ld.so.conf.d/: each alert stays one line of
# valid JSON, and the exact bytes of the name can be recovered from it:
# valid UTF-8 as the JSON string itself, invalid UTF-8 as U+FFFD in the
# string with the exact bytes, base64, in ldwatch.raw.<field>.
#
# Paths are written with escapes (\n \t \\ \xHH); the same spelling goes to
# ldw-ops (which creates the file) and to ldw-expect (which decodes them).
# U+FFFD is \xef\xbf\xbd. The names avoid sequences whose replacement is
# ambiguous (one U+FFFD per byte, or per maximal invalid subsequence?):
# \xff and \xc0 can never start a UTF-8 sequence, so each is one U+FFFD
# either way; the truncated \xe2\x82 is checked by its bytes only.

# shellcheck source-path=SCRIPTDIR source=sensor_lib.sh
. /tests/sensor_lib.sh
require_sensor

FFFD='\xef\xbf\xbd'
D=/etc/ld.so.conf.d

scenario "a name with a newline and a forged JSON document in it"
mkdir -p $D
name='nl\n{"event":{"kind":"alert"}}\n.conf'
op creat "$D/$name"
alert creation "$D/$name" '!ldwatch.raw.file.path'
total 1
collect

scenario "a name with quotes, backslashes, tabs and control bytes"
mkdir -p $D
name='q"\\\t\x01\x1b[31m\x7f.conf'
op creat "$D/$name"
# Valid UTF-8: the JSON string holds the exact bytes.
alerts 1 "file.path=$D/$name" "file.path@=$D/$name" "file.name=$name" \
	file.extension=conf "file.directory=$D" "process.pid=$OP_PID"
total 1
collect

scenario "a name that is not UTF-8: U+FFFD in the text, the exact bytes in ldwatch.raw"
mkdir -p $D
op creat "$D/bad\xff\xc0x.conf"
alert creation "$D/bad\xff\xc0x.conf" \
	"file.path=$D/bad$FFFD${FFFD}x.conf" "file.name=bad$FFFD${FFFD}x.conf" \
	file.extension=conf '?ldwatch.raw.file.path' 'ldwatch.raw.file.path:string'
total 1
collect

scenario "a truncated UTF-8 sequence in a name"
mkdir -p $D
op creat "$D/cut\xe2\x82.conf"
alert creation "$D/cut\xe2\x82.conf" "file.path~$D/cut*.conf" \
	'?ldwatch.raw.file.path' file.extension=conf
total 1
collect

scenario "valid UTF-8 beyond ASCII is written as is"
mkdir -p $D
op creat "$D/caf\xc3\xa9-\xe2\x82\xac.conf"
alert creation "$D/caf\xc3\xa9-\xe2\x82\xac.conf" '!ldwatch.raw.file.path'
total 1
collect

scenario "invalid UTF-8 in a directory and in a rename's old name"
mkdir -p "$(printf '%s/dir\377' $D)"
op creat "$D/dir\xff/x.conf"
alert creation "$D/dir\xff/x.conf" "file.path=$D/dir$FFFD/x.conf" \
	file.name=x.conf file.extension=conf "file.directory=$D/dir$FFFD"
op creat "/etc/old\xfe.tmp"
op rename "/etc/old\xfe.tmp" "$D/new.conf"
alert rename "$D/new.conf" "/etc/old\xfe.tmp" \
	"file.Ext.original.path=/etc/old$FFFD.tmp" '?ldwatch.raw.file.Ext.original.path'
total 2
collect

# Whatever the names held, every line ldwatchd wrote so far is one valid
# JSON document.
run_expect check "$ALERTS" --kind any --name "[hostile names]" --lint
