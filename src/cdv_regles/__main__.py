from cdv_regles.cli import executer

executer()
