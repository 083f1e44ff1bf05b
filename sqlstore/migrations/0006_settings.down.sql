DROP TABLE unet_settings;
