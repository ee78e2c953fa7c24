"""The renderer shared by the window and the exporter: QPainter onto any paint device."""
