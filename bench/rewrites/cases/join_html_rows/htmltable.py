"""Renders the admin page's user table."""
from html import escape


def render_user_table(users):
    html = "<table>\n<tr><th>Name</th><th>Email</th><th>Plan</th></tr>\n"
    for u in users:
        html += f"<tr><td>{escape(u['name'])}</td><td>{escape(u['email'])}</td><td>{u['plan']}</td></tr>\n"
    html += "</table>\n"
    return html
