"""Server-rendered pages for customers, agents and compliance officers (docs/web.md)."""
