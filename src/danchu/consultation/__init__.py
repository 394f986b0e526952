"""Dân tham gia ý kiến: consultations on drafts and the opinion map (Law 10/2022 Art. 25–29)."""
