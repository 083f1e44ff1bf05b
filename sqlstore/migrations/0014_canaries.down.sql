DROP TABLE canaries;
