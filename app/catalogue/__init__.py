"""The catalogue: publications, search, detail, reading and watermarked download."""
