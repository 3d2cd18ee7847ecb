//Numpy array shape [10]
//Min -0.164062500000
//Max 0.171875000000
//Number of zeros 1

#ifndef B95_H_
#define B95_H_

#ifndef __SYNTHESIS__
bias95_t b95[10];
#else
bias95_t b95[10] = {-0.1640625, 0.0078125, 0.1718750, 0.0000000, -0.0468750, 0.1250000, -0.0703125, 0.1171875, -0.1562500, 0.1328125};

#endif

#endif
