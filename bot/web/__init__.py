"""The web app (Python 3.11): the demo shop page, the embeddable chat widget with its history API, and the
agent console for hand-offs. Routes are grouped by concern, one module each (`widget.py`, `console.py`),
and registered in `app.create_app`.
"""
