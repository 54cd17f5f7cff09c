"""Alert delivery beyond the review page: the signed webhook (any kind of alert)."""
