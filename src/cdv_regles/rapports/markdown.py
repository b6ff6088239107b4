"""Format Markdown : le résumé d'une vérification pour ``$GITHUB_STEP_SUMMARY`` ou une note de
merge request.

Un verdict au seuil d'échec, les comptes par gravité, famille et partenaire, le tableau des
constats bloquants et des alertes, les infos repliées dans un ``<details>``. Le texte venu du
classeur (messages, N° dossier) est échappé : il ne peut ni casser un tableau ni injecter du HTML.
Au-delà de :data:`LIGNES_MAX` constats par tableau, la suite est renvoyée aux autres rapports
(GitHub limite un résumé d'étape à 1 Mio).
"""

from __future__ import annotations

import re
from collections import Counter
from operator import attrgetter
from pathlib import PurePath
from typing import TYPE_CHECKING

from cdv_regles.affichage import date as date_fr
from cdv_regles.affichage import visible
from cdv_regles.constats import GRAVITES, atteint

if TYPE_CHECKING:
    from cdv_regles.constats import Constat
    from cdv_regles.verification import Resultat

LIGNES_MAX = 500
_TITRES = {"bloquant": "Bloquant", "alerte": "Alerte", "info": "Info"}
_PICTOS = {"bloquant": "🔴", "alerte": "🟠", "info": "🔵"}
# Ce qui ferait du gras, un lien, du code ou une nouvelle colonne dans une cellule de tableau.
_SPECIAUX = re.compile(r"([\\`*_\[\]|~])")
_GRAVITE = attrgetter("gravite")


def echapper(texte: object) -> str:
    """Texte sûr dans une cellule de tableau Markdown (GitHub, GitLab)."""
    s = visible(texte, sauts=True).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _SPECIAUX.sub(r"\\\1", s)
    return re.sub(r"\r\n|\r|\n", "<br>", s)


def _pluriel(n: int, mot: str) -> str:
    return f"{n} {mot}{'s' if n > 1 else ''}"


def _verdict(resultat: Resultat, seuil: str) -> str:
    au_seuil = [c for c in resultat.constats if atteint(c.gravite, seuil)]
    if resultat.defauts:
        return (f"❌ **{_pluriel(len(resultat.defauts), 'greffon ou fichier de règles')} en défaut** : "
                "les règles concernées n'ont pas tourné, la vérification est incomplète.")
    if au_seuil:
        s = "s" if len(au_seuil) > 1 else ""
        quoi = f"bloquant{s}" if seuil == "bloquant" else f"bloquant{s} ou alerte{s}"
        return (f"❌ **{len(au_seuil)} constat{s} {quoi}** : le tableau ne peut pas aller "
                "en comité en l'état.")
    if resultat.constats:
        return f"✅ **Aucun constat au seuil « {seuil} »** : les autres constats sont à regarder."
    return "✅ **Aucun constat** : le tableau est en règle."


def _comptes(titre: str, cles: list[str], constats: list[Constat], attribut: str) -> list[str]:
    lignes = [f"| {titre} | " + " | ".join(_TITRES[g] for g in GRAVITES) + " | Total |",
              "|---|" + "---:|" * (len(GRAVITES) + 1)]
    # Un seul passage sur les constats (au lieu d'un par ligne du tableau et par gravité).
    comptes = Counter(zip(map(attrgetter(attribut), constats), map(_GRAVITE, constats), strict=True))
    for cle in cles:
        par_gravite = [comptes[cle, g] for g in GRAVITES]
        total = sum(n for (x, _), n in comptes.items() if x == cle)
        lignes.append(f"| {echapper(cle)} | " + " | ".join(map(str, par_gravite)) + f" | {total} |")
    return lignes


def _table_constats(constats: list[Constat], resultat: Resultat) -> list[str]:
    lignes = ["| Gravité | Dossier | Ligne | Cellule(s) | Règle | Partenaire | Message | Source |",
              "|---|---|---:|---|---|---|---|---|"]
    for c in constats[:LIGNES_MAX]:
        dossier = echapper(c.dossier) if c.ligne is not None else "*Tableau*"
        lignes.append(f"| {_PICTOS[c.gravite]} {_TITRES[c.gravite]} | {dossier} | {c.ligne or ''} | "
                      f"{', '.join(resultat.cellules(c))} | {echapper(c.regle)} | {echapper(c.partenaire)} | "
                      f"{echapper(c.message)} | {echapper(c.source)} |")
    if len(constats) > LIGNES_MAX:
        lignes += ["", f"… et {len(constats) - LIGNES_MAX} autres : voir le rapport JUnit ou "
                       "`cdv-regles verifier --format texte`."]
    return lignes


def rendre(resultat: Resultat, *, couleur: bool = False, seuil: str = "bloquant") -> str:
    del couleur
    r = resultat.resume()
    nom = PurePath(resultat.tableau.chemin).name or resultat.tableau.chemin
    feuille = f", feuille {echapper(resultat.tableau.feuille)}" if resultat.tableau.feuille else ""
    g = r["par_gravite"]
    md = [f"## Tableau de programmation : {echapper(nom)}", "",
          _verdict(resultat, seuil), "",
          f"{_pluriel(r['dossiers'], 'dossier')} vérifié{'s' if r['dossiers'] > 1 else ''}{feuille}, "
          f"{r['dossiers_avec_constats']} avec constats — "
          f"{_pluriel(g['bloquant'], 'bloquant')}, {_pluriel(g['alerte'], 'alerte')}, {g['info']} info — "
          f"millésime {r['millesime']}, date de référence {date_fr(resultat.date_reference)}, "
          f"règles {echapper(r['version_regles'])}.", ""]
    if resultat.defauts:
        md += ["### Greffons en défaut", "", *(f"- {echapper(d)}" for d in resultat.defauts), ""]
    if resultat.constats:
        md += ["### Comptes", "",
               *_comptes("Famille", list(r["par_famille"]), resultat.constats, "famille"), "",
               *_comptes("Partenaire", list(r["par_partenaire"]), resultat.constats, "partenaire"), ""]
    importants = [c for c in resultat.constats if c.gravite in ("bloquant", "alerte")]
    if importants:
        md += ["### Constats bloquants et alertes", "", *_table_constats(importants, resultat), ""]
    infos = [c for c in resultat.constats if c.gravite == "info"]
    if infos:
        md += ["<details>", f"<summary>{_pluriel(len(infos), 'constat')} d'information</summary>", "",
               *_table_constats(infos, resultat), "", "</details>", ""]
    return "\n".join(md)
