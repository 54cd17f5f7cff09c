"""Story linking's pure side: language-agnostic features and attribution (no database)."""
