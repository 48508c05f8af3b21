DROP TABLE selection_neighbours;
