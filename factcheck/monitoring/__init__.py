"""Pure helpers for watching the media: URLs, article pages and feeds. No Flask, no database."""
