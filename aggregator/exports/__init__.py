"""Exports for republication: approved articles as RSS 2.0, Atom and JSON Feed.

Each writer takes :class:`~aggregator.exports.item.ExportItem` objects (built from stored
articles) and a :class:`~aggregator.exports.item.FeedInfo`, and returns bytes.
"""
