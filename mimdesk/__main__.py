from mimdesk.cli import entry

entry()
