"""What changed between two states of an article (pure: text in, diff and notices out)."""
