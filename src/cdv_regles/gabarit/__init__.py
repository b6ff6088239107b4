"""Le gabarit d'un greffon de partenaire : ``cdv-regles nouveau-greffon NOM``.

``commande`` (la commande click, n'importe que click) ; ``generation`` (l'écriture du paquet) ;
``modele/`` (les fichiers modèles, ``${...}`` remplacés à la génération).
"""
