//Numpy array shape [10]
//Min -0.000000000000
//Max 0.125000000000
//Number of zeros 1

#ifndef B271_H_
#define B271_H_

#ifndef __SYNTHESIS__
bias271_t b271[10];
#else
bias271_t b271[10] = {0.0625, 0.0625, 0.1250, 0.0625, 0.1250, 0.0625, 0.0625, 0.1250, 0.0625, -0.0000};

#endif

#endif
