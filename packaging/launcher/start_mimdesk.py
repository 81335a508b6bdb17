"""The frozen app's entry script (PyInstaller runs it as ``__main__``).

It lives in a folder of its own: PyInstaller puts the script's folder on the module search
path, and ``mimdesk/__main__.py`` as the script would let ``mimdesk/secrets.py`` shadow the
standard library's ``secrets``.
"""

from mimdesk.cli import entry

if __name__ == "__main__":
    entry()
