"""Dân kiểm tra, dân giám sát: the People's Inspection Board and investment supervision."""
