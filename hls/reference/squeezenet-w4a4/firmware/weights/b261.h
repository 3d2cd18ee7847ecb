//Numpy array shape [10]
//Min -0.125000000000
//Max 0.125000000000
//Number of zeros 1

#ifndef B261_H_
#define B261_H_

#ifndef __SYNTHESIS__
bias261_t b261[10];
#else
bias261_t b261[10] = {0.0000, 0.0625, -0.0625, 0.1250, 0.1250, 0.0625, 0.0625, 0.0625, 0.0625, -0.1250};

#endif

#endif
