"""The to-do home (今日待办): what waits on each role today, counted and listed.

``tiles.py`` declares each tile once (label and condition); the home page counts them in one
grouped query per role and the petitions list filters on the same condition (``?waiting=``),
so the number on a tile and the rows behind its link agree.
"""
