"""Les commandes de ``cdv-regles`` qui n'appartiennent à aucun sous-paquet (verifier, greffons).

Comme toutes les commandes, chacune n'importe que click et ``cdv_regles.options`` à son
chargement, et jamais ``cdv_regles.cli`` : le groupe les charge à la demande.
"""
