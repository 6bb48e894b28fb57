"""The web app (Python 3.11): the demo shop page, the embeddable chat widget and its history API.

Routes are grouped by concern, one module each (`widget.py` today; an agent console would add its own
module and register its routes in `app.create_app`).
"""
