"""Dân làm: contribution campaigns with a public ledger (Law 10/2022 Art. 11(5), 15(1)–(2))."""
