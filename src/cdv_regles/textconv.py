"""``cdv-regles texte-git`` : le tableau en texte stable, pour un ``git diff`` lisible.

Utilisable comme pilote *textconv* de git (voir ``ci/README.md``) :

    .gitattributes :  *.xlsx diff=cdv-regles
    git config diff.cdv-regles.textconv "cdv-regles texte-git"

Un bloc par dossier, trié par N° dossier (pas par ligne : trier ou insérer des lignes dans le
classeur ne produit pas de différence), une ligne « En-tête : valeur » par cellule non vide, dans
l'ordre du contrat de colonnes puis, pour les colonnes hors contrat, dans l'ordre de la feuille.
Les valeurs sont normalisées (montants « 12 500 € », dates JJ/MM/AAAA, Oui/Non) : changer le
format d'une cellule ne produit pas de différence, changer sa valeur si.

Ni règles ni constats : lecture et conversion seulement, pour rester rapide. Une colonne
obligatoire absente n'est pas une erreur ici ; une cellule illisible est montrée telle quelle.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from cdv_regles.contrat import Colonne
    from cdv_regles.lecture import TableBrute
    from cdv_regles.referentiels import Referentiels

def _orientation(n: int, refs: Referentiels) -> str:
    ref = refs.tous.get("orientations")
    for d in ref.details if ref else []:
        if str(d.get("numero")) == str(n) and d.get("libelle"):
            return f"{n} - {d['libelle']}"
    return str(n)


def valeur_texte(x: Any, col: Colonne | None, refs: Referentiels) -> str:
    """Une valeur typée (ou brute, hors contrat) en texte normalisé (:mod:`cdv_regles.affichage`),
    espaces ordinaires, listes séparées par « ; », orientation avec son libellé."""
    from cdv_regles import affichage
    from cdv_regles.types_colonnes import TYPES

    type_ = TYPES.get(col.type) if col is not None else None
    if col is not None and col.type == "orientation" and isinstance(x, int) and not isinstance(x, bool):
        return _orientation(x, refs)
    if isinstance(x, list):
        return affichage.liste(x, separateur="; ")
    if isinstance(x, str):
        return affichage.visible(x.strip(), sauts=True)
    sorte = type_.affichage if type_ else None
    if sorte != "montant" and isinstance(x, int | float) and not isinstance(x, bool):
        return affichage.nombre(x, milliers=False)  # un nombre hors montant peut être un identifiant
    return affichage.valeur(x, type_.affichage if type_ else None).replace(affichage.NBSP, " ")


def _ligne(entete: str, valeur: str) -> str:
    # Une valeur sur plusieurs lignes garde une ligne par ligne, en retrait : le diff reste précis,
    # et aucune cellule ne peut commencer une ligne (un faux « === Dossier … === »).
    from cdv_regles.affichage import visible

    morceaux = visible(valeur, sauts=True).split("\n")
    return "\n".join([f"{visible(entete)} : {morceaux[0]}", *(f"    {m}" for m in morceaux[1:])])


def _cle_tri(numero: str | None, ligne: int) -> tuple:
    if not numero:
        return (1, (), ligne)  # dossiers sans numéro à la fin, dans l'ordre de la feuille
    # Tri « naturel » : 2023-EX-9 avant 2023-EX-10.
    morceaux = tuple((0, int(m), "") if m[0] in "0123456789" else (1, 0, m.casefold())
                     for m in re.findall(r"[0-9]+|[^0-9]+", numero))
    return (0, morceaux, ligne)


def _referentiels() -> Referentiels:
    """Les listes du millésime le plus récent qui les a toutes (git ne dit pas le millésime du
    tableau) : elles ne servent qu'à montrer les valeurs (libellé d'orientation, abréviation PRE
    écrite en entier) ; une valeur hors liste est montrée telle quelle."""
    from cdv_regles.millesimes import disponibles
    from cdv_regles.parametres import parametres_du_socle, referentiels_du_millesime

    p = parametres_du_socle()
    complets = [m for m in disponibles(p) if not p.listes_absentes(m)
                and not any(p.tous[nom].type == "referentiel" for nom, _, _ in p.a_renseigner(m))]
    return referentiels_du_millesime(complets[-1] if complets else 0, p)


def texte_tableau(brute: TableBrute) -> str:
    """Le texte stable du tableau lu (voir le module)."""
    from cdv_regles import affichage
    from cdv_regles import valeurs as v
    from cdv_regles.adresses import lettres_colonne
    from cdv_regles.contrat import colonnes_socle, index_entetes, normaliser_entete
    from cdv_regles.conversion import convertir

    # Toutes facultatives : une colonne manquante n'empêche pas de montrer les autres.
    colonnes = tuple(replace(c, requis="F") for c in colonnes_socle())
    refs = _referentiels()
    tableau = convertir(brute, colonnes, refs)
    illisibles = {(i.colonne.id, i.ligne): i.valeur for i in tableau.illisibles}
    sans_objet = {(cid, ligne) for cid, lignes in tableau.sans_objet.items() for ligne in lignes}

    # Colonnes hors contrat (ou en double) : montrées telles quelles, sous leur en-tête.
    index, vues, hors_contrat = index_entetes(colonnes), set(), []
    for i, entete in enumerate(brute.entetes):
        col = index.get(normaliser_entete(entete)) if str(entete).strip() else None
        if col is not None and col.id not in vues:
            vues.add(col.id)
            continue
        nom = re.sub(r"\s+", " ", str(entete)).strip() or \
            f"(colonne {lettres_colonne(brute.colonnes_excel[i])} sans en-tête)"
        hors_contrat.append((i, nom))

    numeros = tableau.colonnes["numero_dossier"]
    ordre = sorted(range(len(tableau.lignes)), key=lambda k: _cle_tri(numeros[k], tableau.lignes[k]))
    feuille = f" (feuille {affichage.visible(brute.feuille)})" if brute.feuille else ""
    n = len(tableau.lignes)
    blocs = [f"Tableau de programmation{feuille} : {n} dossier{'s' if n > 1 else ''}"]
    for k in ordre:
        ligne = tableau.lignes[k]
        titre = f"Dossier {affichage.visible(numeros[k])}" if numeros[k] else f"Dossier sans N° (ligne {ligne})"
        bloc = [f"=== {titre} ==="]
        for col in colonnes:
            x = tableau.colonnes[col.id][k]
            if x is None and (col.id, ligne) in illisibles:
                bloc.append(_ligne(col.entete, f"{affichage.valeur(illisibles[col.id, ligne])} (illisible)"))
            elif (col.id, ligne) in sans_objet:
                bloc.append(_ligne(col.entete, affichage.SANS_OBJET))
            elif x is not None and x != [] and (texte := valeur_texte(x, col, refs)):
                bloc.append(_ligne(col.entete, texte))
        for i, nom in hors_contrat:
            brut = brute.colonnes[i][k]
            if not v.est_vide(brut):
                bloc.append(_ligne(nom, valeur_texte(brut, None, refs)))
        blocs.append("\n".join(bloc))
    return "\n\n".join(blocs) + "\n"


@click.command("texte-git")
@click.argument("fichier", type=click.Path(dir_okay=False, path_type=Path))
def texte_git(fichier: Path) -> None:
    """Imprime FICHIER en texte stable, dossier par dossier, pour « git diff ».

    À déclarer comme pilote textconv de git :

    \b
      .gitattributes : *.xlsx diff=cdv-regles
      git config diff.cdv-regles.textconv "cdv-regles texte-git"
    """
    from cdv_regles.lecture import lire_table

    texte = texte_tableau(lire_table(fichier))
    # Octets UTF-8 quel que soit l'encodage de la console : git les compare tels quels.
    sys.stdout.flush()
    sys.stdout.buffer.write(texte.encode("utf-8"))
    sys.stdout.buffer.flush()
