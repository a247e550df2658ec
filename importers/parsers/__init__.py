"""Feed parsers: one module per format, each turning the bytes of one document into a ParseResult."""
