"""Writers: the intermediate XHTML → an output format (bytes)."""
