"""Le ramasse-miettes espacé (cdv_regles.processus) vaut pour un lancement de cdv-regles ou du
bouton, jamais pour un programme qui importe la bibliothèque."""

from __future__ import annotations

import datetime as dt
import gc
import subprocess
import sys
from pathlib import Path

from cdv_regles.processus import SEUILS_COLLECTE

EXEMPLE = Path(__file__).resolve().parents[1] / "classeurs" / "exemple-programmation-2023.xlsx"


def test_la_bibliotheque_ne_touche_pas_aux_reglages_de_l_appelant() -> None:
    from cdv_regles.verification import verifier_fichier

    avant, figes = gc.get_threshold(), gc.get_freeze_count()
    resultat = verifier_fichier(EXEMPLE, millesime=2023, date_reference=dt.date(2023, 3, 1))
    assert resultat.constats and gc.get_threshold() == avant and gc.get_freeze_count() == figes


def test_la_commande_espace_le_ramasse_miettes() -> None:
    # La commande s'arrête par sys.exit : le réglage est lu par un crochet de fin.
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('SEUILS', gc.get_threshold(), 'FIGES', gc.get_freeze_count() > 0))\n"
            "sys.argv = ['cdv-regles', 'verifier', sys.argv[1], '--millesime', '2023', '--date', '2023-03-01']\n"
            "from cdv_regles.cli import main\nmain()\n")
    fini = subprocess.run([sys.executable, "-c", code, str(EXEMPLE)], capture_output=True, text=True,
                          timeout=120)
    assert fini.returncode == 1, fini.stderr  # l'exemple a des constats bloquants
    # Et l'arrêt ne parcourt plus les objets vivants : ils sont figés (gc.freeze) à la fin.
    assert f"SEUILS {SEUILS_COLLECTE} FIGES True" in fini.stdout
