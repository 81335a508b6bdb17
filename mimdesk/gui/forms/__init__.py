"""Python modules generated from the Designer forms in ui/; never edited by hand."""
