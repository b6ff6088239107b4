"""Exports du tableau de programmation vers des formats publiés (open data SCDL Subventions)."""
