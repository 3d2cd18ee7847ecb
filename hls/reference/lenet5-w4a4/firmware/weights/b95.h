//Numpy array shape [10]
//Min -0.187500000000
//Max 0.187500000000
//Number of zeros 3

#ifndef B95_H_
#define B95_H_

#ifndef __SYNTHESIS__
bias95_t b95[10];
#else
bias95_t b95[10] = {-0.1250, -0.1250, 0.0000, 0.1250, 0.0000, 0.1250, -0.1875, 0.0625, 0.1875, 0.0000};

#endif

#endif
