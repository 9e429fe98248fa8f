"""The public service standard of each office, and the directory of offices."""
