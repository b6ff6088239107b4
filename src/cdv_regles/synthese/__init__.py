"""La synthèse pour le comité : chiffres du tableau, rapport HTML, feuille Synthèse du classeur.

- ``calcul.calculer_synthese(resultat, greffons)`` : le dictionnaire de synthèse (JSON) ;
- ``socle`` : la part du socle, fournie par le hook ``cdv_regles_synthese`` comme un partenaire ;
- ``html.rendre_html(...)`` : le rapport autonome (CSS et graphiques SVG embarqués) ;
- ``classeur.ecrire_synthese(book, synthese)`` : la feuille « Synthèse » et ses graphiques Excel ;
- ``commande`` : ``cdv-regles synthese``.

Rien de lourd n'est importé ici : la commande est chargée pour ``cdv-regles --help``.

Forme d'une rubrique de greffon (hook ``cdv_regles_synthese``) : ``{"Titre lisible": contenu}``
où ``contenu`` est un dictionnaire de chiffres (``{"montant_orientation_1": 52000, "part": 0.41}``),
une liste de lignes (``[{"orientation": 1, "montant": 52000}, ...]``) ou un dictionnaire qui
mêle les deux, avec au besoin ``"note"`` (une phrase affichée sous le tableau). Le rapport met
en euros les nombres dont la clé contient ``montant``, ``total``, ``enveloppe``, ``credits`` ou
``somme``, et en pourcentage ceux dont la clé commence par ``part`` ou ``taux`` (0,41 → 41 %).
"""
