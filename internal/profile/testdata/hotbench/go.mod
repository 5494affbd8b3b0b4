module example.com/hotbench

go 1.21
