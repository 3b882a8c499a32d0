"""Mailing list maintenance."""


class MailingList:
    """Subscribers as typed into the signup form (mixed case, repeats)."""

    def __init__(self, raw_addresses):
        self.raw_addresses = raw_addresses

    def subscribers(self):
        """One address per person, compared case-insensitively; the first spelling wins."""
        seen_lower = []
        result = []
        for address in self.raw_addresses:
            key = address.lower()
            if key not in seen_lower:
                seen_lower.append(key)
                result.append(address)
        return result
