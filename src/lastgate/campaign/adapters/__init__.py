"""Reports rendered for staff: CSV and self-contained HTML pages with inline SVG charts."""
