"""Synthetic data at scale for `manage.py generate_data` (and the benchmarks in bench/).

catalogue.py holds the small lists the rows are drawn from (names, destinations,
occupations, salaries, embarkation points); generator.py draws the rows with plain
Python and one ``random.Random(seed)``; copy.py streams them into PostgreSQL with COPY.
"""
