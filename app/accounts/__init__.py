"""User accounts: one account across all offices; staff belong to one office."""
