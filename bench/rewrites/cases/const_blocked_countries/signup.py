"""Signup screening for the payments onboarding flow."""

# Countries we cannot onboard (sanctions, licensing, or no payout partner yet).
BLOCKED_COUNTRIES = [
    "AF", "AO", "BI", "BY", "CD", "CF", "CG", "CI", "CU", "DZ", "ER", "ET", "GN", "GW", "HT", "IQ", "IR", "KP",
    "LB", "LR", "LY", "ML", "MM", "NE", "NI", "RU", "SD", "SO", "SS", "SY", "TD", "VE", "YE", "ZW", "BF", "KM",
    "DJ", "GQ", "MR", "TJ", "TM", "UZ", "KG", "LA", "KH", "BD", "NP", "PK", "LK", "MV", "BT", "MN", "TL", "PG",
    "SB", "VU", "FJ", "TO", "WS", "KI", "TV", "NR", "FM", "MH", "PW", "ST", "CV", "GM", "SL", "TG", "BJ", "GA",
    "CM", "MG", "MW", "MZ", "ZM", "LS", "SZ", "BW", "NA", "RW", "UG", "TZ", "KE", "SC", "MU", "EH", "PS", "JO",
    "OM", "TN", "MA", "EG", "BO", "PY", "GY", "SR", "BZ", "HN", "GT", "SV", "DO", "JM", "TT", "BB", "BS", "AG",
]


class SignupScreen:
    def __init__(self, manual_review_threshold: float):
        self.manual_review_threshold = manual_review_threshold

    def screen(self, signups):
        """Splits signups into (accepted, rejected, for_review) by country and risk score."""
        accepted, rejected, review = [], [], []
        for s in signups:
            if s["country"] in BLOCKED_COUNTRIES or s["billing_country"] in BLOCKED_COUNTRIES:
                rejected.append(s["id"])
            elif s["risk"] >= self.manual_review_threshold:
                review.append(s["id"])
            else:
                accepted.append(s["id"])
        return accepted, rejected, review
