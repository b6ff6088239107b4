"""Génère le classeur exemple ``classeurs/exemple-programmation-2023.xlsx``.

Usage (depuis la racine du dépôt) :

    uv run python outils/generer_exemple.py [--sortie FICHIER.xlsx [--ecraser]]

Les dossiers sont écrits dans ``outils/exemple-2023-dossiers.yaml`` et les défauts délibérés
(la vérité de référence de ``tests/test_exemple.py``) dans ``outils/exemple-2023-attendus.yaml``.
Le script ne tire rien au hasard et fixe les dates du fichier : deux exécutions donnent le même
classeur, octet pour octet, avec la même version d'openpyxl.

Le classeur a deux feuilles : « Lisez-moi » (ce qu'est l'exemple, la liste des défauts) et
« Programmation » (en-têtes du contrat ``regles/colonnes.yaml``, dans son ordre, en tableau Excel).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path
from typing import Any

RACINE = Path(__file__).resolve().parent.parent
COLONNES = RACINE / "regles" / "colonnes.yaml"
DOSSIERS = RACINE / "outils" / "exemple-2023-dossiers.yaml"
ATTENDUS = RACINE / "outils" / "exemple-2023-attendus.yaml"
SORTIE = RACINE / "classeurs" / "exemple-programmation-2023.xlsx"

FEUILLE = "Programmation"
FEUILLE_LISEZ_MOI = "Lisez-moi"
NOM_TABLEAU = "Programmation2023"
# Date fixe des propriétés et des membres de l'archive : le fichier ne dépend pas du jour.
DATE_FICHIER = dt.datetime(2023, 3, 1, 9, 0, 0)

FORMAT_DATE = "DD/MM/YYYY"  # affiché JJ/MM/AAAA par un Excel français
FORMAT_MONTANT = '#,##0\\ "€"'  # affiché « 12 500 € » par un Excel français
FORMAT_TEXTE = "@"
LARGEUR_MIN, LARGEUR_MAX = 9, 48


class ErreurDonnees(Exception):
    """Un fichier de données de l'exemple est mal formé ; le message dit quoi corriger."""


# --- lecture des données --------------------------------------------------------------------

def _lire_yaml(chemin: Path) -> Any:
    import yaml

    try:
        with chemin.open(encoding="utf-8") as f:
            return yaml.safe_load(f)
    except OSError as e:
        raise ErreurDonnees(f"impossible de lire {chemin} : {e.strerror}") from None
    except yaml.YAMLError as e:
        raise ErreurDonnees(f"{chemin} n'est pas un YAML valide : {e}") from None


MILLESIME_EXEMPLE = 2023


def colonnes_du_contrat(chemin: Path = COLONNES) -> list[dict[str, Any]]:
    """Les colonnes du contrat, dans l'ordre : ``{id, entete, type, ...}``."""
    contrat = _lire_yaml(chemin)
    # « Bilan intermédiaire {N-1} » : l'année qui précède le millésime de l'exemple (2023).
    return [{**c, "entete": c["entete"].replace("{N-1}", str(MILLESIME_EXEMPLE - 1))}
            for g in contrat["groupes"] for c in g["colonnes"]]


def lire_dossiers(chemin: Path = DOSSIERS, colonnes: list[dict[str, Any]] | None = None
                  ) -> tuple[list[dict[str, Any]], set[str]]:
    """Les dossiers complets (valeurs communes appliquées) et les N° des lignes à masquer."""
    colonnes = colonnes if colonnes is not None else colonnes_du_contrat()
    ids = {c["id"] for c in colonnes}
    donnees = _lire_yaml(chemin) or {}
    communes = donnees.get("valeurs_communes") or {}
    dossiers = []
    vus: set[str] = set()
    for brut in donnees.get("dossiers") or []:
        numero = str(brut.get("numero_dossier", "?"))
        inconnues = sorted((set(communes) | set(brut)) - ids)
        if inconnues:
            raise ErreurDonnees(
                f"{chemin.name}, dossier {numero} : colonne(s) inconnue(s) {', '.join(inconnues)}. "
                f"Utilisez les identifiants de {COLONNES.relative_to(RACINE)}.")
        if numero in vus:
            raise ErreurDonnees(f"{chemin.name} : le dossier {numero} est écrit deux fois.")
        vus.add(numero)
        dossiers.append({**communes, **brut})
    masquees = {str(n) for n in donnees.get("lignes_masquees") or []}
    if masquees - vus:
        raise ErreurDonnees(f"{chemin.name} : lignes_masquees cite des dossiers absents : "
                            f"{', '.join(sorted(masquees - vus))}.")
    return dossiers, masquees


def lire_attendus(chemin: Path = ATTENDUS) -> list[dict[str, Any]]:
    """Les constats attendus de la vérification du classeur (défauts délibérés et informations)."""
    donnees = _lire_yaml(chemin) or {}
    return list(donnees.get("constats") or [])


# --- construction du classeur ---------------------------------------------------------------

def _valeur_cellule(valeur: Any, type_: str) -> tuple[Any, str | None]:
    """La valeur à écrire et son format de nombre (None : format par défaut)."""
    if valeur is None:
        return None, None
    if type_ == "date":
        if isinstance(valeur, dt.date):
            return valeur, FORMAT_DATE
        return str(valeur), FORMAT_TEXTE  # date saisie en texte « JJ/MM/AAAA »
    if type_ == "montant":
        if isinstance(valeur, int | float) and not isinstance(valeur, bool):
            return valeur, FORMAT_MONTANT
        return str(valeur), FORMAT_TEXTE  # montant saisi en texte à la française
    if type_ in ("entier", "marqueur") and isinstance(valeur, int):
        return valeur, None
    from cdv_regles.types_colonnes import type_colonne

    # Texte, SIRET, RNA : cellules au format texte, comme le classeur partagé.
    texte = type_colonne(type_).format_excel == FORMAT_TEXTE and type_ != "choix"
    return " ".join(str(valeur).split()), FORMAT_TEXTE if texte else None


def _montant(valeur: Any) -> float:
    """Un montant du fichier de données (nombre ou texte « 12 500,50 € ») ; 0 s'il est vide."""
    if valeur is None:
        return 0.0
    if isinstance(valeur, int | float):
        return float(valeur)
    texte = "".join(c for c in str(valeur) if c.isdigit() or c in ",.-")
    return float(texte.replace(".", "").replace(",", ".")) if texte else 0.0


NBSP = "\u00a0"


def _comme_tape(ligne: int, col: dict[str, Any], valeur: Any) -> Any:
    """Quelques valeurs écrites comme les agents les tapent (même sens, autre écriture) : SIRET en
    groupes de chiffres, montant en texte à espace insécable, date à l'année sur deux chiffres,
    coche « ✓ » pour Oui. Une ligne sur sept à onze, selon la sorte : le reste garde l'écriture
    des données."""
    if valeur is None:
        return None
    if col["id"] == "siret" and ligne % 7 == 0 and str(valeur).isdigit() and len(str(valeur)) == 14:
        v = str(valeur)
        return f"{v[:3]} {v[3:6]} {v[6:9]} {v[9:]}"
    if col["type"] == "montant" and ligne % 9 == 0 and isinstance(valeur, int) and valeur >= 1000:
        return f"{valeur // 1000}{NBSP}{valeur % 1000:03d} €"
    if col["id"] == "date_debut" and ligne % 8 == 0 and isinstance(valeur, dt.date):
        return f"{valeur:%d/%m/%y}"
    if col["id"] == "piece_cerfa" and ligne % 11 == 0 and valeur == "Oui":
        return "✓"
    return valeur


def _largeur(entete: str, valeurs: list[Any]) -> float:
    """Une largeur lisible : le contenu le plus long, l'en-tête pouvant passer à la ligne."""
    longueurs = [10 if isinstance(v, dt.date) else len(str(v)) for v in valeurs if v is not None]
    contenu = max(longueurs, default=0) + 2
    mot_le_plus_long = max((len(m) for m in entete.split()), default=0) + 2
    return float(max(LARGEUR_MIN, min(LARGEUR_MAX, max(contenu, mot_le_plus_long, len(entete) / 3))))


def _feuille_programmation(wb: Any, colonnes: list[dict[str, Any]], dossiers: list[dict[str, Any]],
                           masquees: set[str]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws = wb.create_sheet(FEUILLE)
    ws.append([c["entete"] for c in colonnes])
    for cellule in ws[1]:
        cellule.font = Font(bold=True)
        cellule.alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[1].height = 64
    for i, dossier in enumerate(dossiers, start=2):
        for j, col in enumerate(colonnes, start=1):
            valeur, format_ = _valeur_cellule(_comme_tape(i, col, dossier.get(col["id"])), col["type"])
            if valeur is None:
                continue
            cellule = ws.cell(row=i, column=j, value=valeur)
            if format_:
                cellule.number_format = format_
            if col["type"] == "montant" and isinstance(valeur, str):
                cellule.alignment = Alignment(horizontal="right")
        if str(dossier.get("numero_dossier")) in masquees:
            ws.row_dimensions[i].hidden = True
    # Sous le tableau, la ligne « TOTAL » que tout agent ajoute : écartée des dossiers à la lecture.
    total = len(dossiers) + 2
    ws.cell(row=total, column=1, value="TOTAL").font = Font(bold=True)
    for j, col in enumerate(colonnes, start=1):
        if col["type"] == "montant":
            somme = sum(_montant(d.get(col["id"])) for d in dossiers)
            cellule = ws.cell(row=total, column=j, value=somme)
            cellule.number_format, cellule.font = FORMAT_MONTANT, Font(bold=True)
    derniere = get_column_letter(len(colonnes))
    tableau = Table(displayName=NOM_TABLEAU, ref=f"A1:{derniere}{len(dossiers) + 1}")
    tableau.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(tableau)
    ws.freeze_panes = "B2"  # ligne d'en-tête et N° dossier toujours visibles
    for j, col in enumerate(colonnes, start=1):
        valeurs = [ws.cell(row=i, column=j).value for i in range(2, len(dossiers) + 2)]
        ws.column_dimensions[get_column_letter(j)].width = _largeur(col["entete"], valeurs)


PRESENTATION = [
    ("titre", "Classeur exemple — programmation 2023 du Contrat de Ville de Valenciennes Métropole"),
    ("", ""),
    ("gras", "Ceci est un exemple FICTIF."),
    ("", "Les porteurs, les intitulés, les montants, les numéros SIRET et RNA sont inventés : aucun ne "
         "désigne une structure réelle (les SIRET ont une clé de contrôle juste, mais un SIREN "
         "impossible). Seuls le territoire (communes de Valenciennes Métropole, les 14 quartiers "
         "prioritaires de 2015), les six orientations, les dispositifs et le calendrier viennent de "
         "la note de cadrage 2023."),
    ("", ""),
    ("gras", "À quoi sert-il ?"),
    ("", "À essayer la vérification sans toucher au vrai tableau : la feuille « Programmation » "
         "contient {nb} dossiers, presque tous en règle, et une poignée de défauts glissés exprès "
         "(liste ci-dessous). La vérification doit signaler chacun d'eux, et rien d'autre qu'eux "
         "parmi les constats bloquants et les alertes."),
    ("", "Commande : cdv-regles verifier classeurs/exemple-programmation-2023.xlsx --date 2023-03-01"),
    ("", "La date de référence est fixée au 1er mars 2023 (pendant l'instruction) pour que le résultat "
         "ne dépende pas du jour où l'on vérifie."),
    ("", ""),
    ("gras", "Ce que l'exemple montre aussi"),
    ("", "• Des statuts variés : Validé en comité, En instruction, Dossier définitif, Note d'intention "
         "(seules l'identification, l'orientation, la date de la note et l'ébauche de budget sont "
         "contrôlées), Refusé (seule la structure est contrôlée)."),
    ("", "• Une ligne masquée (dossier {masquees}) : une ligne masquée ou filtrée reste un dossier et "
         "elle est vérifiée."),
    ("", "• Des montants saisis en texte à la française (« 15 000 », « 3 000,00 € », avec espace "
         "insécable), des SIRET en groupes de chiffres, des dates à l'année sur deux chiffres "
         "(« 01/01/23 ») et des cases cochées de plusieurs façons (Oui, ✓, X, x, 1, VRAI) : tout "
         "cela est lu correctement."),
    ("", "• Une ligne « TOTAL » sous le tableau : ce n'est pas un dossier ; la vérification l'écarte "
         "et le dit une fois (information SCH-LIGNES-TOTAL)."),
    ("", "• Des constats d'information (gravité « info ») s'ajoutent aux défauts : marqueur égalité 0 "
         "(ce n'est jamais un motif de refus) et synthèses du tableau."),
    ("", ""),
    ("gras", "Défauts délibérés"),
]


LARGEURS_LISEZ_MOI = {"A": 12, "B": 30, "C": 10, "D": 24, "E": 90}


def _noms_partenaires() -> dict[str, str]:
    """Code du partenaire (tel qu'il figure dans les constats) -> nom lisible, d'après la liste
    datée des financeurs du millésime de l'exemple."""
    from cdv_regles.parametres import referentiels_du_millesime

    refs = referentiels_du_millesime(MILLESIME_EXEMPLE)
    financeurs = refs["financeurs"].details if "financeurs" in refs else []
    return {"socle": "Règles communes", **{f["code"]: f["nom"] for f in financeurs}}


def _paragraphe(ws: Any, ligne: int, texte: str, style: str) -> None:
    """Un paragraphe sur toute la largeur de la feuille, renvoyé à la ligne."""
    from openpyxl.styles import Alignment, Font

    cellule = ws.cell(row=ligne, column=1, value=texte or None)
    if not texte:
        return
    ws.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=len(LARGEURS_LISEZ_MOI))
    cellule.alignment = Alignment(wrap_text=True, vertical="top")
    if style == "titre":
        cellule.font = Font(bold=True, size=14)
        ws.row_dimensions[ligne].height = 22
    elif style == "gras":
        cellule.font = Font(bold=True)
    else:
        # Excel ne calcule pas la hauteur d'une cellule fusionnée : on l'estime.
        caracteres_par_ligne = int(sum(LARGEURS_LISEZ_MOI.values()) * 0.95)
        ws.row_dimensions[ligne].height = 15 * (len(texte) // caracteres_par_ligne + 1)


def _feuille_lisez_moi(wb: Any, nb_dossiers: int, masquees: set[str], attendus: list[dict[str, Any]]) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.active
    ws.title = FEUILLE_LISEZ_MOI
    for colonne, largeur in LARGEURS_LISEZ_MOI.items():
        ws.column_dimensions[colonne].width = largeur
    ligne = 1
    for style, texte in PRESENTATION:
        _paragraphe(ws, ligne, texte.format(nb=nb_dossiers, masquees=", ".join(sorted(masquees))), style)
        ligne += 1
    for j, texte in enumerate(["Dossier", "Règle", "Gravité", "Partenaire", "Défaut"], start=1):
        ws.cell(row=ligne, column=j, value=texte).font = Font(bold=True)
    ligne += 1
    noms = _noms_partenaires()
    for a in attendus:
        if a.get("gravite") == "info":
            continue
        partenaire = noms.get(a.get("partenaire"), a.get("partenaire"))
        valeurs = [a.get("dossier"), a.get("regle"), a.get("gravite"), partenaire, a.get("description")]
        for j, v in enumerate(valeurs, start=1):
            ws.cell(row=ligne, column=j, value=v).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[ligne].height = 15 * (len(str(a.get("description"))) // LARGEURS_LISEZ_MOI["E"] + 1)
        ligne += 1
    _paragraphe(ws, ligne + 1, "Régénérer ce classeur : uv run python outils/generer_exemple.py "
                               "(données dans outils/exemple-2023-dossiers.yaml).", "")


def construire_classeur(colonnes: list[dict[str, Any]], dossiers: list[dict[str, Any]], masquees: set[str],
                        attendus: list[dict[str, Any]]) -> Any:
    """Le classeur openpyxl : « Lisez-moi » puis « Programmation »."""
    import openpyxl

    wb = openpyxl.Workbook()
    _feuille_lisez_moi(wb, len(dossiers), masquees, attendus)
    _feuille_programmation(wb, colonnes, dossiers, masquees)
    wb.active = 0
    p = wb.properties
    p.creator = "cdv-regles (outils/generer_exemple.py)"
    p.lastModifiedBy = None
    p.title = "Exemple fictif de tableau de programmation 2023"
    p.created = p.modified = DATE_FICHIER
    return wb


def octets_classeur(wb: Any) -> bytes:
    """Le classeur sérialisé, membres de l'archive datés de DATE_FICHIER (sortie reproductible)."""
    from openpyxl.writer.excel import ExcelWriter

    brut = io.BytesIO()
    with zipfile.ZipFile(brut, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()  # save_workbook daterait « modified » d'aujourd'hui
    fixe = io.BytesIO()
    with zipfile.ZipFile(brut) as source, zipfile.ZipFile(fixe, "w", zipfile.ZIP_DEFLATED) as cible:
        for info in source.infolist():
            membre = zipfile.ZipInfo(info.filename, date_time=DATE_FICHIER.timetuple()[:6])
            membre.compress_type = zipfile.ZIP_DEFLATED
            membre.external_attr = 0o644 << 16
            cible.writestr(membre, source.read(info.filename))
    return fixe.getvalue()


def generer(sortie: Path = SORTIE, dossiers: Path = DOSSIERS, attendus: Path = ATTENDUS, *,
            remplacer: bool = True) -> int:
    """Écrit le classeur exemple ; renvoie le nombre de dossiers.

    Écriture de ``cdv_regles.ecriture`` : d'un coup, et sans ``remplacer`` exclusive (un fichier
    apparu pendant la génération n'est jamais remplacé).
    """
    from cdv_regles.ecriture import creer_dossier, ecrire_octets

    colonnes = colonnes_du_contrat()
    lignes, masquees = lire_dossiers(dossiers, colonnes)
    wb = construire_classeur(colonnes, lignes, masquees, lire_attendus(attendus))
    creer_dossier(sortie.parent)
    ecrire_octets(sortie, octets_classeur(wb), remplacer=remplacer,
                  conseil="Choisissez un autre nom ou ajoutez --ecraser.")
    return len(lignes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Génère le classeur exemple de la programmation 2023.")
    parser.add_argument("--sortie", type=Path, default=SORTIE, help=f"fichier .xlsx à écrire (défaut : {SORTIE})")
    parser.add_argument("--ecraser", action="store_true",
                        help="remplace --sortie s'il existe déjà (le classeur exemple par défaut l'est toujours)")
    args = parser.parse_args(argv)
    sortie: Path = args.sortie
    if sortie.suffix.lower() != ".xlsx":
        print(f"Erreur : --sortie doit finir par .xlsx (vu : {sortie}).", file=sys.stderr)
        return 2
    # Le classeur exemple est un fichier généré ; tout autre fichier existant peut être celui d'un utilisateur.
    remplacer = args.ecraser or sortie.resolve() == SORTIE.resolve()
    if sortie.exists() and not remplacer:
        print(f"Erreur : {sortie} existe déjà ; il n'est pas remplacé. Choisissez un autre nom ou ajoutez --ecraser.",
              file=sys.stderr)
        return 2
    from cdv_regles.erreurs import ErreurCdv

    try:
        nb = generer(sortie, remplacer=remplacer)
    except (ErreurDonnees, ErreurCdv) as e:
        print(f"Erreur : {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"Erreur : impossible d'écrire {sortie} : {e.strerror}", file=sys.stderr)
        return 2
    print(f"{sortie} écrit : {nb} dossiers.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
