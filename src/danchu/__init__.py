"""danchu — grassroots democracy (dân chủ ở cơ sở) for Vietnamese communes."""
