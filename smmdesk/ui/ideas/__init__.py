"""The Ideas panel: a client's ideas from feeds, comments and notes."""
