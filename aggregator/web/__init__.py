"""The editors' review web page: a Starlette app with server-rendered Jinja2 templates.

One module per screen action (``article_list``, ``article_show``, ``article_act``...);
``app.create_app`` wires them. It reads and writes through ``storage`` only.
"""
