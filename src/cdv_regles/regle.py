"""Les règles déclaratives : lecture et validation des fichiers YAML de ``regles/``.

Un fichier de règles :

    famille: pieces                       # famille par défaut des règles du fichier
    source: {document: NC2023, section: "Étape 3"}
    applicable: "statut dans etapes_definitives"   # condition ajoutée à chaque règle
    en_vigueur: {depuis: 2023, jusqu_a: null}       # millésimes où les règles s'appliquent
    regles:
      - id: PIE-CERFA
        titre: Dossier cerfa fourni
        gravite: bloquant
        exiger: "oui(piece_cerfa)"        # ce qui doit être vrai pour chaque dossier concerné
        message: "Le dossier cerfa manque (case « {piece_cerfa} »). Demandez-le au porteur."
        exemples:
          valides: [{piece_cerfa: "Oui"}]
          invalides: [{piece_cerfa: "Non"}]

Voir ``regles/LISEZMOI.md`` pour le vocabulaire complet.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdv_regles.constats import FAMILLES, GRAVITES, Constat
from cdv_regles.donnees import lire_yaml
from cdv_regles.erreurs import RegleInvalide
from cdv_regles.millesimes import TOUJOURS, EnVigueur, lire_en_vigueur

CLES_FICHIER = {"famille", "partenaire", "source", "applicable", "regles", "description", "en_vigueur"}
CLES_REGLE = {"id", "titre", "gravite", "famille", "source", "colonnes", "portee", "applicable",
              "exiger", "schema", "lecture", "message", "valeurs", "pour_chaque", "exemples", "description",
              "en_vigueur"}
CLES_SCHEMA = {"colonnes", "type", "unique", "minimum", "strictement_positif", "dans_liste", "entre"}
# Ce que la lecture du fichier constate elle-même (règles « lecture: ») ; voir constats_lecture.py.
LECTURES = ("cellule_illisible", "colonne_absente", "colonne_inconnue", "colonne_double", "lignes_ignorees",
            "lignes_hors_tableau", "lignes_total", "dates_mois_jour")
# Les trois sortes de règles, chacune évaluée par un seul évaluateur (regles/LISEZMOI.md).
GENRES = {"exiger": "le moteur des expressions (moteur.py)",
          "schema": "le schéma pandera du tableau typé (schema.py)",
          "lecture": "les constats de lecture (constats_lecture.py)"}
_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Za-z0-9]+)*$")


@dataclass
class Regle:
    id: str
    titre: str
    famille: str
    gravite: str
    partenaire: str
    source: dict[str, str]
    message: str
    chemin: str
    portee: str = "dossier"
    applicable: list[str] = field(default_factory=list)
    exiger: str | None = None
    schema: dict[str, Any] | None = None
    lecture: str | None = None
    colonnes: list[str] | None = None
    valeurs: dict[str, str] = field(default_factory=dict)
    exemples: dict[str, list[Any]] = field(default_factory=dict)
    description: str = ""
    # Champs de l'élément de référentiel pour une règle dépliée par « pour_chaque ».
    element: dict[str, Any] | None = None
    # Millésimes où la règle s'applique (clé « en_vigueur » de la règle ou de son fichier).
    en_vigueur: EnVigueur = TOUJOURS

    @property
    def genre(self) -> str:
        """« exiger » (expression), « schema » (pandera) ou « lecture » (constat de lecture)."""
        return "lecture" if self.lecture else "schema" if self.schema is not None else "exiger"

    def rediger(self, champs: dict[str, str]) -> str:
        """Le message, où chaque ``{champ}`` connu est remplacé (les autres restent tels quels)."""
        return self.message.format_map(_Champs(champs))

    def constat(self, dossier: str, ligne: int | None, colonnes: tuple[str, ...], entetes: tuple[str, ...],
                message: str, gravite: str | None = None) -> Constat:
        # La source dès la création : sinon avec_sources recopie chaque constat (0,2 s pour
        # 25 000 constats, dataclasses.replace).
        return Constat(dossier, ligne, self.id, self.famille, gravite or self.gravite, self.partenaire, colonnes,
                       message, entetes, self.source_texte)

    def constats(self, dossiers: list[Any], lignes: list[Any], colonnes: tuple[str, ...],
                 entetes: tuple[str, ...], messages: list[str]) -> list[Constat]:
        """:meth:`constat` pour chaque dossier, d'un coup (ce qui ne change pas, lu une fois)."""
        regle, famille, gravite, partenaire, source = self.id, self.famille, self.gravite, self.partenaire, \
            self.source_texte
        return [Constat(d, n, regle, famille, gravite, partenaire, colonnes, m, entetes, source)
                for d, n, m in zip(dossiers, lignes, messages, strict=True)]

    @property
    def source_texte(self) -> str:
        doc, sec = self.source.get("document", ""), self.source.get("section", "")
        return f"{doc}, « {sec} »" if sec else doc


class _Champs(dict):
    def __missing__(self, cle: str) -> str:
        return "{" + cle + "}"


def lire_fichier_regles(chemin: Path, partenaire: str, ensembles: dict[str, list[dict[str, Any]]]) -> list[Regle]:
    """Lit un fichier de règles ; les règles « pour_chaque » sont dépliées ici."""
    c = str(chemin)
    donnees = lire_yaml(chemin)
    if not isinstance(donnees, dict) or not isinstance(donnees.get("regles"), list):
        raise RegleInvalide(c, "un fichier de règles est un dictionnaire avec une liste « regles: »")
    _cles_connues(c, None, donnees, CLES_FICHIER, "du fichier")
    declare = donnees.get("partenaire")
    if declare is not None and declare != partenaire:
        raise RegleInvalide(
            c, f"le fichier se déclare du partenaire « {declare} » mais est fourni par « {partenaire} »")
    defaut_applicable = donnees.get("applicable")
    regles: list[Regle] = []
    for brute in donnees["regles"]:
        if not isinstance(brute, dict) or "id" not in brute:
            raise RegleInvalide(c, f"chaque règle est un dictionnaire avec un « id » (vu : {str(brute)[:60]})")
        rid = str(brute["id"])
        _cles_connues(c, rid, brute, CLES_REGLE, "de règle")
        pour_chaque = brute.get("pour_chaque")
        if pour_chaque is None:
            regles.append(_regle(c, brute, donnees, defaut_applicable, partenaire, None))
            continue
        if pour_chaque not in ensembles:
            raise RegleInvalide(c, f"pour_chaque : « {pour_chaque} » n'est ni un référentiel ni un "
                                "paramètre de type colonnes", rid)
        for element in ensembles[pour_chaque]:
            regles.append(_regle(c, _substituer(c, rid, brute, element), donnees, defaut_applicable,
                                 partenaire, element))
    return regles


def _substituer(chemin: str, rid: str, valeur: Any, element: dict[str, Any]) -> Any:
    """Remplace ${champ} par le champ de l'élément, dans tous les textes de la règle."""
    if isinstance(valeur, str):
        try:
            return string.Template(valeur).substitute({k: str(v) for k, v in element.items()})
        except (KeyError, ValueError) as e:
            raise RegleInvalide(chemin, f"champ ${{{e}}} absent des éléments du référentiel", rid) from None
    if isinstance(valeur, list):
        return [_substituer(chemin, rid, v, element) for v in valeur]
    if isinstance(valeur, dict):
        return {k: (v if k == "exemples" else _substituer(chemin, rid, v, element))
                for k, v in valeur.items()}
    return valeur


def _cles_connues(chemin: str, rid: str | None, d: dict, connues: set[str], quoi: str) -> None:
    inconnues = set(d) - connues
    if inconnues:
        raise RegleInvalide(
            chemin, f"clé(s) {quoi} inconnue(s) : {', '.join(sorted(map(str, inconnues)))} "
            f"(admises : {', '.join(sorted(connues))})", rid)


def _regle(chemin: str, d: dict, fichier: dict, defaut_applicable: Any, partenaire: str,
           element: dict[str, Any] | None) -> Regle:
    rid = str(d["id"])
    if not _ID.match(rid):
        raise RegleInvalide(chemin, "identifiant invalide : majuscules, chiffres et tirets, p. ex. PIE-CERFA", rid)
    famille = d.get("famille", fichier.get("famille"))
    if famille not in FAMILLES:
        raise RegleInvalide(chemin, f"famille « {famille} » inconnue (attendu : {', '.join(FAMILLES)})", rid)
    gravite = d.get("gravite")
    if gravite not in GRAVITES:
        raise RegleInvalide(chemin, f"gravité « {gravite} » inconnue (attendu : {', '.join(GRAVITES)})", rid)
    lecture = d.get("lecture")
    schema = d.get("schema")
    if isinstance(schema, dict) and set(schema) == {"lecture"} and lecture is None:
        lecture, schema = schema["lecture"], None  # ancienne écriture, toujours admise
    genres = [g for g, v in (("exiger", d.get("exiger")), ("schema", schema), ("lecture", lecture)) if v is not None]
    if len(genres) != 1:
        raise RegleInvalide(chemin, "une règle a une et une seule de ces clés : « exiger » (une expression), "
                            "« schema » (un contrôle pandera du tableau typé) ou « lecture » (un constat de "
                            f"la lecture du fichier) ; vu : {', '.join(genres) or 'aucune'}", rid)
    if lecture is not None and lecture not in LECTURES:
        raise RegleInvalide(chemin, f"lecture « {lecture} » inconnue (admises : {', '.join(LECTURES)})", rid)
    source = d.get("source", fichier.get("source"))
    if not isinstance(source, dict) or not source.get("document"):
        raise RegleInvalide(chemin, "la source (document et section) est obligatoire", rid)
    message = d.get("message")
    if not isinstance(message, str) or not message.strip():
        raise RegleInvalide(chemin, "le message est obligatoire", rid)
    portee = d.get("portee", "dossier")
    if portee not in ("dossier", "tableau"):
        raise RegleInvalide(chemin, "portee vaut « dossier » ou « tableau »", rid)
    applicable = [a for a in (defaut_applicable, d.get("applicable")) if a]
    if not all(isinstance(a, str) for a in applicable):
        raise RegleInvalide(chemin, "« applicable » est une expression (texte)", rid)
    if schema is not None:
        if not isinstance(schema, dict):
            raise RegleInvalide(chemin, "« schema » est un dictionnaire", rid)
        _cles_connues(chemin, rid, schema, CLES_SCHEMA, "de schema")
    if (schema is not None or lecture is not None) and (portee != "dossier" or applicable):
        raise RegleInvalide(chemin, f"une règle « {genres[0]} » s'applique à tous les dossiers", rid)
    valeurs = d.get("valeurs") or {}
    if not isinstance(valeurs, dict) or not all(isinstance(v, str) for v in valeurs.values()):
        raise RegleInvalide(chemin, "« valeurs » associe un nom à une expression (texte)", rid)
    colonnes = d.get("colonnes")
    if colonnes is not None and (not isinstance(colonnes, list) or not all(isinstance(x, str) for x in colonnes)):
        raise RegleInvalide(chemin, "« colonnes » est une liste d'identifiants de colonnes", rid)
    exemples = d.get("exemples") or {}
    if not isinstance(exemples, dict) or set(exemples) - {"valides", "invalides"}:
        raise RegleInvalide(chemin, "« exemples » a deux listes : valides et invalides", rid)
    for cle in ("valides", "invalides"):
        if not isinstance(exemples.get(cle, []), list):
            raise RegleInvalide(chemin, f"exemples.{cle} est une liste", rid)
    en_vigueur = lire_en_vigueur(chemin, d.get("en_vigueur"), rid,
                                 lire_en_vigueur(chemin, fichier.get("en_vigueur")))
    return Regle(
        en_vigueur=en_vigueur, id=rid, titre=str(d.get("titre", rid)), famille=famille, gravite=gravite,
        partenaire=partenaire, source=source, message=message.strip(), chemin=chemin,
        portee=portee, applicable=applicable, exiger=d.get("exiger"), schema=schema, lecture=lecture,
        colonnes=colonnes, valeurs=valeurs, exemples=exemples,
        description=str(d.get("description", "")), element=element,
    )
