"""The web dashboard (`caeser serve web`): bots/web/app.py."""
