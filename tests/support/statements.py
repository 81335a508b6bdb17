"""What a test counts of the SQL the code under test sends, seen from outside it: sqlite3's
trace callback shows each statement with its values filled in."""

from __future__ import annotations

import re

# A statement that reads a whole stream of events (not only the rows after a seq); group 2 is
# the stream id.
FULL_READ = re.compile(r"FROM event\s+WHERE (event\.)?stream_id = '([^']*)' ORDER BY")
# A statement that reads only a stream's rows after a local insertion number.
NEW_ROWS = re.compile(r"FROM event\s+WHERE (event\.)?stream_id = '[^']*' AND (event\.)?seq > ")
