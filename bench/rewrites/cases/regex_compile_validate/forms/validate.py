"""Validation of the bulk user-upload form."""
import re


class UploadValidator:
    def __init__(self, allowed_domains):
        self.allowed_domains = allowed_domains

    def invalid_rows(self, rows):
        """Row numbers (1-based) whose username, phone or postcode is malformed."""
        bad = []
        for number, row in enumerate(rows, start=1):
            username_ok = re.compile(r"[a-z][a-z0-9_.]{2,31}").fullmatch(row["username"])
            phone_ok = re.compile(r"\+?[0-9][0-9 ()-]{6,18}[0-9]").fullmatch(row["phone"])
            postcode_ok = re.compile(r"[0-9]{4,5}|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}").fullmatch(row["postcode"])
            if not (username_ok and phone_ok and postcode_ok):
                bad.append(number)
        return bad
