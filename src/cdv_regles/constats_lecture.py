"""Les règles ``lecture:`` : ce que la lecture du fichier a constaté elle-même.

Cellules illisibles, colonnes absentes, inconnues ou en double, données après une ligne vide,
lignes de total écartées des dossiers, dates écrites mois avant jour :
la lecture et la conversion les notent ; ces règles en disent la gravité et le message.
"""

from __future__ import annotations

from cdv_regles import affichage, valeurs
from cdv_regles.constats import Constat
from cdv_regles.conversion import Tableau
from cdv_regles.regle import Regle


def constats_lecture(tableau: Tableau, regles: list[Regle], dossiers: dict[int, str]) -> list[Constat]:
    """Cellules illisibles, colonnes absentes, inconnues ou en double, lignes ignorées."""
    par_type = {r.lecture: r for r in regles if r.genre == "lecture"}
    constats: list[Constat] = []
    r = par_type.get("cellule_illisible")
    if r:
        for ill in tableau.illisibles:
            champs = {"cellule": ill.cellule, "colonne": ill.colonne.entete,
                      "valeur": affichage.valeur(ill.valeur), "detail": ill.detail}
            constats.append(r.constat(dossiers.get(ill.ligne, f"ligne {ill.ligne}"), ill.ligne,
                                      (ill.colonne.id,), (ill.colonne.entete,), r.rediger(champs)))
    r = par_type.get("colonne_absente")
    if r:
        for col in tableau.absentes:
            if col.requis == "F" and col.partenaire != "socle":
                continue  # colonne propre à un partenaire : facultative et pas attendue partout
            champs = {"colonne": col.entete, "requis": {"C": "conditionnelle", "F": "facultative"}.get(col.requis, "")}
            gravite = r.gravite if col.requis == "C" else "info"
            constats.append(r.constat("", None, (col.id,), (col.entete,), r.rediger(champs), gravite))
    for type_, noms in (("colonne_inconnue", tableau.inconnues), ("colonne_double", tableau.doubles)):
        r = par_type.get(type_)
        if r and noms:
            champs = {"colonnes": ", ".join(f"« {n} »" for n in noms), "colonne": noms[0]}
            constats.append(r.constat("", None, (), (), r.rediger(champs)))
    r = par_type.get("lignes_hors_tableau" if tableau.ignorees_sous_tableau else "lignes_ignorees")
    if r and tableau.ligne_donnees_ignorees:
        champs = {"ligne": str(tableau.ligne_donnees_ignorees),
                  "derniere": str(tableau.lignes[-1]) if tableau.lignes else str(tableau.ligne_donnees_ignorees)}
        constats.append(r.constat("", None, (), (), r.rediger(champs)))
    r = par_type.get("dates_mois_jour")
    if r:
        constats += _dates_mois_jour(tableau, r)
    r = par_type.get("lignes_total")
    if r and tableau.totaux:
        # Un seul constat, sur le tableau (pas sur la ligne : ce n'est pas un dossier).
        champs = {"lignes": ", ".join(f"ligne {n} (« {libelle} »)" for n, libelle in tableau.totaux),
                  "nombre": str(len(tableau.totaux))}
        constats.append(r.constat("", None, (), (), r.rediger(champs)))
    return constats


def _dates_mois_jour(tableau: Tableau, r: Regle) -> list[Constat]:
    """Un constat sur le tableau si des dates illisibles en JJ/MM/AAAA se lisent en MM/JJ/AAAA
    (export d'un Excel ou d'un LibreOffice réglé en anglais) : les dates ambiguës du même fichier
    ont alors pu être lues jour et mois inversés, sans que rien ne le montre."""
    vues = [(ill, d) for ill in tableau.illisibles
            if ill.colonne.type == "date" and (d := valeurs.date_mois_jour(ill.valeur)) is not None]
    if not vues:
        return []
    colonnes = list(dict.fromkeys(ill.colonne for ill, _ in vues))
    premieres: dict[str, tuple] = {}  # la première cellule de chaque valeur, dans l'ordre
    for ill, d in vues:
        premieres.setdefault(str(ill.valeur).strip(), (ill, d))
    exemples = ", ".join(f"« {affichage.valeur(ill.valeur)} » en {ill.cellule} (le {affichage.date(d)} ?)"
                         for ill, d in list(premieres.values())[:3])
    champs = {"exemples": exemples, "nombre": str(len(vues)),
              "colonnes": ", ".join(f"« {c.entete} »" for c in colonnes)}
    return [r.constat("", None, tuple(c.id for c in colonnes), tuple(c.entete for c in colonnes),
                      r.rediger(champs))]
